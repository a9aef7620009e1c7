package io.jgrad;

import io.jgrad.spi.BinaryOp;

/** out = a·b, broadcasting. d/da = b, d/db = a: each operand is saved only if the other one needs a gradient. */
final class Mul extends Function {
  private Mul() {} // made by apply only

  private Tensor a;
  private Tensor b;

  static Tensor apply(Tensor a, Tensor b) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, Mul::apply);
    }
    Tensor out = Broadcast.binary("mul", BinaryOp.MUL, a, b);
    if (isRecording(a, b)) {
      Mul f = new Mul();
      f.connect(out, a, b);
      f.b = f.needsGrad(0) ? f.save(b) : null;
      f.a = f.needsGrad(1) ? f.save(a) : null;
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {
      needsGrad(0) ? Broadcast.sumToConsuming(g.mul(b), inputShape(0)) : null,
      needsGrad(1) ? Broadcast.sumToConsuming(g.mul(a), inputShape(1)) : null
    };
  }
}
