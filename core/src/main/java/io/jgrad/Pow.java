package io.jgrad;

import io.jgrad.spi.BinaryOp;

/** out = a^b, broadcasting. d/da = b·a^(b−1); d/db = out·ln(a) (defined for a &gt; 0). */
final class Pow extends Function {
  private Pow() {} // made by apply only

  private Tensor a;
  private Tensor b;
  private Tensor out;

  static Tensor apply(Tensor a, Tensor b) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, Pow::apply);
    }
    Tensor out = Broadcast.binary("pow", BinaryOp.POW, a, b);
    if (isRecording(a, b)) {
      Pow f = new Pow();
      f.connect(out, a, b);
      f.a = f.save(a);
      f.b = f.save(b);
      f.out = f.needsGrad(1) ? f.save(out) : null;
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor da = null;
    Tensor db = null;
    if (needsGrad(0)) {
      try (Tensor bm1 = b.sub(1); Tensor p = a.pow(bm1); Tensor bp = b.mul(p)) {
        da = Broadcast.sumToConsuming(g.mul(bp), inputShape(0));
      }
    }
    if (needsGrad(1)) {
      try (Tensor lnA = a.log(); Tensor outLn = out.mul(lnA)) {
        db = Broadcast.sumToConsuming(g.mul(outLn), inputShape(1));
      }
    }
    return new Tensor[] {da, db};
  }
}
