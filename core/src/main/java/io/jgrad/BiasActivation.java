package io.jgrad;


/**
 * y = act(x + bias) for x R×C and bias C: the MLP layer's epilogue in one kernel, and its backward (dx and dbias) in
 * another. Saves only y, which every fused activation's derivative is a function of. Activations whose derivative
 * needs the input (GELU) run as add-then-activation instead.
 */
final class BiasActivation extends Function {
  private final UnaryOp act;
  private final double alpha;
  private Tensor y;

  private BiasActivation(UnaryOp act, double alpha) {
    this.act = act;
    this.alpha = alpha;
  }

  static Tensor apply(Tensor x, Tensor bias, UnaryOp act, double alpha) {
    if (x.dtype().isReduced() && bias.dtype() == DType.FLOAT32) {
      // A 16-bit GEMM's epilogue (autocast): the bias joins it in 16 bits, as PyTorch's autocast addmm casts it.
      try (Tensor bias16 = bias.to(x.dtype())) {
        return apply(x, bias16, act, alpha);
      }
    }
    Broadcast.checkCompatible("bias_activation", x, bias);
    if (x.rank() != 2 || bias.rank() != 1 || bias.dim(0) != x.dim(1)) {
      throw new IllegalArgumentException(
          "bias_activation: needs x [rows, cols] and bias [cols], got " + x.shape() + " and " + bias.shape());
    }
    if (act.saves() == UnaryOp.Saves.INPUT) {
      try (Tensor z = x.add(bias)) {
        return Unary.apply(act, alpha, z);
      }
    }
    Tensor y = Tensor.empty(x.backend(), x.dtype(), x.shape());
    x.backend().biasActivation(act, alpha, x.buffer(), bias.buffer(), y.buffer(), x.dim(0), x.dim(1));
    if (isRecording(x, bias)) {
      BiasActivation f = new BiasActivation(act, alpha);
      f.y = f.save(y);
      f.connect(y, x, bias);
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor dx = Tensor.empty(g.backend(), g.dtype(), g.shape());
    Tensor dbias = Tensor.empty(g.backend(), g.dtype(), inputShape(1));
    g.backend().biasActivationBackward(act, alpha, y.buffer(), g.buffer(), dx.buffer(), dbias.buffer(), g.dim(0), g.dim(1));
    return new Tensor[] {dx, dbias};
  }

  @Override
  public String name() {
    return "bias_" + act.name().toLowerCase();
  }
}
