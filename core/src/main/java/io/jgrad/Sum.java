package io.jgrad;

import io.jgrad.spi.ReduceOp;

/** Sum or mean over one axis or all elements. Saves nothing: the gradient is g broadcast back (÷ n for the mean). */
final class Sum extends Function {
  /** The output's shape with the reduced axis kept as 1 (or [1] for all elements): broadcasts against the input. */
  private final Shape keptShape;
  private final double scale;

  private Sum(Shape keptShape, double scale) {
    this.keptShape = keptShape;
    this.scale = scale;
  }

  static Tensor apply(Tensor x, int axis, boolean keepDim, boolean mean) {
    int a = x.shape().normalizeAxis(axis);
    Tensor kept = Broadcast.reduceKeepDim(mean ? ReduceOp.MEAN : ReduceOp.SUM, x, a);
    return finish(x, kept, keepDim ? kept.shape() : x.shape().reduce(a, false), mean ? 1.0 / x.dim(a) : 1.0);
  }

  /** Over all elements, giving a scalar. */
  static Tensor all(Tensor x, boolean mean) {
    Tensor kept = Tensor.empty(x.backend(), x.dtype(), Broadcast.onesLike(x.shape()));
    x.backend().reduce(mean ? ReduceOp.MEAN : ReduceOp.SUM, x.buffer(), 1, Math.toIntExact(x.size()), 1, kept.buffer());
    return finish(x, kept, Shape.scalar(), mean ? 1.0 / x.size() : 1.0);
  }

  private static Tensor finish(Tensor x, Tensor kept, Shape outShape, double scale) {
    Tensor out = kept;
    if (!kept.shape().equals(outShape)) {
      out = kept.view(outShape);
      kept.close();
    }
    if (isRecording(x)) {
      new Sum(kept.shape(), scale).connect(out, x);
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    try (Tensor kept = g.view(keptShape)) {
      Tensor full = Broadcast.expand(kept, inputShape(0));
      if (scale == 1.0) {
        return new Tensor[] {full};
      }
      try (full) {
        return new Tensor[] {full.mul(scale)};
      }
    }
  }
}
