package io.jgrad;

import io.jgrad.spi.BinaryOp;

/**
 * out = max(a, b) or min(a, b), broadcasting. The gradient flows to the winner; a tie goes to a, as a subgradient.
 * Saves the mask [a wins] rather than both operands.
 */
final class Maximum extends Function {
  private Maximum() {} // made by apply only

  private Tensor aWins;

  static Tensor apply(Tensor a, Tensor b, boolean max) {
    if (Promotion.needed(a, b)) { // mixed floating dtypes: PyTorch's result type
      return Promotion.apply(a, b, (x, y) -> apply(x, y, max));
    }
    String name = max ? "maximum" : "minimum";
    Tensor out = Broadcast.binary(name, max ? BinaryOp.MAX : BinaryOp.MIN, a, b);
    if (isRecording(a, b)) {
      Maximum f = new Maximum();
      f.connect(out, a, b);
      try (Tensor mask = max ? Broadcast.binary(name, BinaryOp.GE, a, b) : Broadcast.binary(name, BinaryOp.GE, b, a)) {
        f.aWins = f.save(mask);
      }
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor da = needsGrad(0) ? Broadcast.sumToConsuming(g.mul(aWins), inputShape(0)) : null;
    Tensor db = null;
    if (needsGrad(1)) {
      try (Tensor ga = g.mul(aWins)) {
        db = Broadcast.sumToConsuming(g.sub(ga), inputShape(1));
      }
    }
    return new Tensor[] {da, db};
  }
}
