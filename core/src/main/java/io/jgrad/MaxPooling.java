package io.jgrad;

import io.jgrad.spi.Pool2dGeometry;

/**
 * 2-D max pooling, NCHW: x [B, C, H, W] → y [B, C, OH, OW], as PyTorch's max_pool2d (padding ignored, floor
 * rounding). Saves only the INT32 position of each window's maximum: backward routes dy there.
 */
final class MaxPooling extends Function {
  private final Pool2dGeometry geometry;
  private Tensor indices;

  private MaxPooling(Pool2dGeometry geometry) {
    this.geometry = geometry;
  }

  static Tensor apply(Tensor x, Window2d window) {
    Pool2dGeometry g = Pooling.geometry("maxPool2d", x, window);
    Shape outShape = Shape.of(g.batch(), g.channels(), g.outHeight(), g.outWidth());
    Tensor y = Tensor.empty(x.backend(), x.dtype(), outShape);
    Tensor indices = Tensor.empty(x.backend(), DType.INT32, outShape);
    x.backend().maxPool2d(g, x.buffer(), y.buffer(), indices.buffer());
    if (isRecording(x)) {
      MaxPooling f = new MaxPooling(g);
      f.connect(y, x);
      f.indices = f.save(indices);
    }
    indices.close();
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    Tensor dx = Tensor.empty(dy.backend(), dy.dtype(), inputShape(0));
    dy.backend().maxPool2dBackward(geometry, indices.buffer(), dy.buffer(), dx.buffer());
    return new Tensor[] {dx};
  }
}
