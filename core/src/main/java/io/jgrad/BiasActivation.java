package io.jgrad;


/**
 * y = act(x + bias) for x R×C and bias C: the MLP layer's epilogue in one kernel, and its backward (dx and dbias) in
 * another. Saves only y, which every fused activation's derivative is a function of. Activations whose derivative
 * needs the input (GELU) run as add-then-activation instead.
 *
 * <p>With a dropout mask, z = act(x + bias)·mask in the same pass, and the backward applies the mask and the
 * activation's derivative in one pass too: where the mask keeps an element, z has y's sign, which is all that
 * IDENTITY, RELU and LEAKY_RELU's derivatives read, so saving z and the mask suffices. Other activations run the
 * epilogue and then the product. Either way the values are the unfused modules' in float32 and float64; in 16 bits the
 * one pass rounds act(x + bias)·mask once, where the modules round act(x + bias) first.
 */
final class BiasActivation extends Function {
  private final UnaryOp act;
  private final double alpha;
  private Tensor y;
  /** The dropout mask, or null. */
  private Tensor mask;

  private BiasActivation(UnaryOp act, double alpha) {
    this.act = act;
    this.alpha = alpha;
  }

  static Tensor apply(Tensor x, Tensor bias, UnaryOp act, double alpha) {
    return apply(x, bias, act, alpha, null);
  }

  /** act(x + bias), times {@code mask} (x's shape and dtype, no gradient) unless it is null. */
  static Tensor apply(Tensor x, Tensor bias, UnaryOp act, double alpha, Tensor mask) {
    if (x.dtype().isReduced() && bias.dtype() == DType.FLOAT32) {
      // A 16-bit GEMM's epilogue (autocast): the bias joins it in 16 bits, as PyTorch's autocast addmm casts it.
      try (Tensor bias16 = bias.to(x.dtype())) {
        return apply(x, bias16, act, alpha, mask);
      }
    }
    Broadcast.checkCompatible("bias_activation", x, bias);
    if (x.rank() != 2 || bias.rank() != 1 || bias.dim(0) != x.dim(1)) {
      throw new IllegalArgumentException(
          "bias_activation: needs x [rows, cols] and bias [cols], got " + x.shape() + " and " + bias.shape());
    }
    if (mask != null && !masksInPlace(x, act, mask)) {
      try (Tensor y = apply(x, bias, act, alpha, null)) {
        return y.mul(mask);
      }
    }
    if (act.saves() == UnaryOp.Saves.INPUT) {
      try (Tensor z = x.add(bias)) {
        return Unary.apply(act, alpha, z);
      }
    }
    Tensor y = Tensor.empty(x.backend(), x.dtype(), x.shape());
    if (mask == null) {
      x.backend().biasActivation(act, alpha, x.buffer(), bias.buffer(), y.buffer(), x.dim(0), x.dim(1));
    } else {
      x.backend().biasActivationMasked(
          act, alpha, x.buffer(), bias.buffer(), mask.buffer(), y.buffer(), x.dim(0), x.dim(1));
    }
    if (isRecording(x, bias)) {
      BiasActivation f = new BiasActivation(act, alpha);
      f.y = f.save(y);
      f.mask = mask == null ? null : f.save(mask);
      f.connect(y, x, bias);
    }
    return y;
  }

  /**
   * Whether the mask joins the kernel: an activation whose derivative the output's sign gives, and a mask of x's shape
   * and dtype that needs no gradient (a dropout mask); anything else runs as the epilogue and then the product.
   */
  private static boolean masksInPlace(Tensor x, UnaryOp act, Tensor mask) {
    return act.takesMask() && mask.shape().equals(x.shape()) && mask.dtype() == x.dtype() && !mask.requiresGrad()
        && mask.backend() == x.backend();
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor dx = Tensor.empty(g.backend(), g.dtype(), g.shape());
    Tensor dbias = Tensor.empty(g.backend(), g.dtype(), inputShape(1));
    if (mask == null) {
      g.backend().biasActivationBackward(
          act, alpha, y.buffer(), g.buffer(), dx.buffer(), dbias.buffer(), g.dim(0), g.dim(1));
    } else {
      g.backend().biasActivationMaskedBackward(
          act, alpha, y.buffer(), mask.buffer(), g.buffer(), dx.buffer(), dbias.buffer(), g.dim(0), g.dim(1));
    }
    return new Tensor[] {dx, dbias};
  }

  @Override
  public String name() {
    return "bias_" + act.name().toLowerCase() + (mask == null ? "" : "_masked");
  }
}
