package io.jgrad;

import io.jgrad.spi.BinaryOp;

/** out = a + b, broadcasting. Saves nothing: d/da = d/db = 1, summed over broadcast dimensions. */
final class Add extends Function {
  private Add() {} // made by apply only

  static Tensor apply(Tensor a, Tensor b) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, Add::apply);
    }
    Tensor out = Broadcast.binary("add", BinaryOp.ADD, a, b);
    if (isRecording(a, b)) {
      new Add().connect(out, a, b);
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {
      needsGrad(0) ? Broadcast.sumTo(g, inputShape(0)) : null, needsGrad(1) ? Broadcast.sumTo(g, inputShape(1)) : null
    };
  }
}
