package io.jgrad;

import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.ReduceOp;

/**
 * Maximum over one axis or all elements, and argmax. Ties share the gradient equally (like PyTorch's amax). Saves the
 * normalised tie mask [x = max] / count, which is all backward needs.
 */
final class Max extends Function {
  private final Shape keptShape;
  private Tensor share;

  private Max(Shape keptShape) {
    this.keptShape = keptShape;
  }

  static Tensor apply(Tensor x, int axis, boolean keepDim) {
    int a = x.shape().normalizeAxis(axis);
    Tensor kept = Broadcast.reduceKeepDim(ReduceOp.MAX, x, a);
    return finish(x, kept, keepDim ? kept.shape() : x.shape().reduce(a, false), a);
  }

  static Tensor all(Tensor x) {
    Tensor kept = Tensor.empty(x.backend(), x.dtype(), Broadcast.onesLike(x.shape()));
    x.backend().reduce(ReduceOp.MAX, x.buffer(), 1, Math.toIntExact(x.size()), 1, kept.buffer());
    return finish(x, kept, Shape.scalar(), -1);
  }

  /** Index of the first maximum along {@code axis}, in x's dtype, the axis removed. Records nothing. */
  static Tensor argmax(Tensor x, int axis) {
    int a = x.shape().normalizeAxis(axis);
    Tensor kept = Broadcast.reduceKeepDim(ReduceOp.ARGMAX, x, a);
    Tensor out = kept.view(x.shape().reduce(a, false));
    kept.close();
    return out;
  }

  /** @param axis the reduced axis, or −1 for all elements */
  private static Tensor finish(Tensor x, Tensor kept, Shape outShape, int axis) {
    Tensor out = kept;
    if (!kept.shape().equals(outShape)) {
      out = kept.view(outShape);
    }
    if (isRecording(x)) {
      Max f = new Max(kept.shape());
      try (Tensor mask = Broadcast.binary("max", BinaryOp.EQ, x, kept);
          Tensor count = axis < 0 ? mask.sum() : mask.sum(axis, true);
          Tensor share = mask.div(count)) {
        f.share = f.save(share);
      }
      f.connect(out, x);
    }
    if (out != kept) {
      kept.close();
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    try (Tensor kept = g.view(keptShape)) {
      return new Tensor[] {share.mul(kept)};
    }
  }
}
