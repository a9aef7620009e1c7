package io.jgrad;

import io.jgrad.spi.Pool2dGeometry;

/**
 * 2-D average pooling, NCHW: x [B, C, H, W] → y [B, C, OH, OW], as PyTorch's avg_pool2d with count_include_pad
 * (padding counts as zeros in every window's kernelH·kernelW). Linear, so it saves nothing.
 */
final class AveragePooling extends Function {
  private final Pool2dGeometry geometry;

  private AveragePooling(Pool2dGeometry geometry) {
    this.geometry = geometry;
  }

  static Tensor apply(Tensor x, Window2d window) {
    if (window.dilationH() != 1 || window.dilationW() != 1) {
      throw new IllegalArgumentException("avgPool2d: average pooling has no dilation (" + window + ")");
    }
    Pool2dGeometry g = Pooling.geometry("avgPool2d", x, window);
    Tensor y = Tensor.empty(x.backend(), x.dtype(), Shape.of(g.batch(), g.channels(), g.outHeight(), g.outWidth()));
    x.backend().avgPool2d(g, x.buffer(), y.buffer());
    if (isRecording(x)) {
      new AveragePooling(g).connect(y, x);
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    Tensor dx = Tensor.empty(dy.backend(), dy.dtype(), inputShape(0));
    dy.backend().avgPool2dBackward(geometry, dy.buffer(), dx.buffer());
    return new Tensor[] {dx};
  }
}
