package io.jgrad.spi;

import io.jgrad.Window2d;

/**
 * The sizes of one 2-D pooling, NCHW: x [B, C, H, W], y [B, C, OH, OW]. As PyTorch requires, padding is at most half
 * the kernel, so every window holds at least one real element.
 */
public record Pool2dGeometry(int batch, int channels, int height, int width, Window2d window) {

  public Pool2dGeometry {
    if (batch < 0 || channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "pool2d: batch " + batch + ", channels " + channels + ", input " + height + "x" + width
              + " must be positive");
    }
    if (2 * window.padH() > window.kernelH() || 2 * window.padW() > window.kernelW()) {
      throw new IllegalArgumentException("pool2d: padding must be at most half the kernel (" + window + ")");
    }
    if (!window.fits(height, width)) {
      throw new IllegalArgumentException(
          "pool2d: the window (" + window + ") is larger than the padded input " + height + "x" + width);
    }
  }

  public int outHeight() {
    return window.outHeight(height);
  }

  public int outWidth() {
    return window.outWidth(width);
  }

  /** B·C·H·W. */
  public long inputSize() {
    return (long) batch * channels * height * width;
  }

  /** B·C·OH·OW. */
  public long outputSize() {
    return (long) batch * channels * outHeight() * outWidth();
  }

  @Override
  public String toString() {
    return "[" + batch + ", " + channels + ", " + height + ", " + width + "] -> " + outHeight() + "x" + outWidth()
        + ", " + window;
  }
}
