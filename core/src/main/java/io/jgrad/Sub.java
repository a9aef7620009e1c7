package io.jgrad;

import io.jgrad.spi.BinaryOp;

/** out = a − b, broadcasting. Saves nothing: d/da = 1, d/db = −1. */
final class Sub extends Function {
  private Sub() {} // made by apply only

  static Tensor apply(Tensor a, Tensor b) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, Sub::apply);
    }
    Tensor out = Broadcast.binary("sub", BinaryOp.SUB, a, b);
    if (isRecording(a, b)) {
      new Sub().connect(out, a, b);
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {
      needsGrad(0) ? Broadcast.sumTo(g, inputShape(0)) : null,
      needsGrad(1) ? Broadcast.sumToConsuming(g.neg(), inputShape(1)) : null
    };
  }
}
