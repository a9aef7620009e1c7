package io.jgrad;


/**
 * The element-wise unary family (activations, exp, log, sqrt, scalar add/mul/pow, clamp): y = op(x; alpha). Each op
 * declares whether its derivative reads x or y, and exactly that one is saved.
 */
final class Unary extends Function {
  private final UnaryOp op;
  private final double alpha;
  private Tensor saved;

  private Unary(UnaryOp op, double alpha) {
    this.op = op;
    this.alpha = alpha;
  }

  static Tensor apply(UnaryOp op, double alpha, Tensor x) {
    if (!x.dtype().isFloating()) {
      throw new IllegalArgumentException(op.name().toLowerCase() + ": needs a floating-point tensor, got "
          + x.dtype().label());
    }
    Tensor y = Tensor.empty(x.backend(), x.dtype(), x.shape());
    x.backend().unary(op, alpha, x.buffer(), y.buffer());
    if (op != UnaryOp.DROPOUT_MASK && isRecording(x)) {
      Unary f = new Unary(op, alpha);
      switch (op.saves()) {
        case INPUT -> f.saved = f.save(x);
        case OUTPUT -> f.saved = f.save(y);
        case NOTHING -> {}
      }
      f.connect(y, x);
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor gradOut) {
    if (op == UnaryOp.IDENTITY) {
      return new Tensor[] {gradOut};
    }
    Tensor dx = Tensor.empty(gradOut.backend(), gradOut.dtype(), gradOut.shape());
    gradOut.backend().unaryBackward(op, alpha, saved == null ? null : saved.buffer(), gradOut.buffer(), dx.buffer());
    return new Tensor[] {dx};
  }

  @Override
  public String name() {
    return op.name().toLowerCase();
  }
}
