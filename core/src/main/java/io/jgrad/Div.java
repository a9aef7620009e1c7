package io.jgrad;

import io.jgrad.spi.BinaryOp;

/** out = a / b, broadcasting. d/da = 1/b; d/db = −a/b² = −out/b, so b is saved, and out only if b needs a gradient. */
final class Div extends Function {
  private Div() {} // made by apply only

  private Tensor b;
  private Tensor out;

  static Tensor apply(Tensor a, Tensor b) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, Div::apply);
    }
    Tensor out = Broadcast.binary("div", BinaryOp.DIV, a, b);
    if (isRecording(a, b)) {
      Div f = new Div();
      f.connect(out, a, b);
      f.b = f.save(b);
      f.out = f.needsGrad(1) ? f.save(out) : null;
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor db = null;
    if (needsGrad(1)) {
      try (Tensor gOut = g.mul(out); Tensor q = gOut.div(b)) {
        db = Broadcast.sumToConsuming(q.neg(), inputShape(1));
      }
    }
    return new Tensor[] {needsGrad(0) ? Broadcast.sumToConsuming(g.div(b), inputShape(0)) : null, db};
  }
}
