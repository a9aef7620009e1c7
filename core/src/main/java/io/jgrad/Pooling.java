package io.jgrad;

import io.jgrad.spi.Pool2dGeometry;

/** What the pooling ops share: the geometry of an NCHW input, checked with errors that name the op and the shape. */
final class Pooling {
  private Pooling() {}

  static Pool2dGeometry geometry(String op, Tensor x, Window2d window) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(op + ": input " + x.shape() + " must be 4-D [B, C, H, W]");
    }
    try {
      return new Pool2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), window);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": input " + x.shape() + ": " + e.getMessage(), e);
    }
  }
}
