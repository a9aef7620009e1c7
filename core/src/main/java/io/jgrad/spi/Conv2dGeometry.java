package io.jgrad.spi;

import io.jgrad.Window2d;

/**
 * The sizes of one 2-D convolution, NCHW: x [B, C, H, W] (C = inChannels), weight [O, C/G, KH, KW] (O = outChannels,
 * G = groups), bias [O], y [B, O, OH, OW]. Output channel o sees the input channels of its group, {@code g = o /
 * (O/G)}: channels {@code g·C/G … (g + 1)·C/G − 1}.
 */
public record Conv2dGeometry(
    int batch, int inChannels, int height, int width, int outChannels, int groups, Window2d window) {

  public Conv2dGeometry {
    if (batch < 0 || inChannels < 1 || height < 1 || width < 1 || outChannels < 1 || groups < 1) {
      throw new IllegalArgumentException("conv2d: batch " + batch + ", channels " + inChannels + " -> " + outChannels
          + ", input " + height + "x" + width + ", groups " + groups + " must be positive");
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException("conv2d: " + groups + " groups must divide both the input channels ("
          + inChannels + ") and the output channels (" + outChannels + ")");
    }
    if (!window.fits(height, width)) {
      throw new IllegalArgumentException(
          "conv2d: the window (" + window + ") is larger than the padded input " + height + "x" + width);
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
    return (long) batch * inChannels * height * width;
  }

  /** B·O·OH·OW. */
  public long outputSize() {
    return (long) batch * outChannels * outHeight() * outWidth();
  }

  /** O·(C/G)·KH·KW. */
  public long weightSize() {
    return (long) outChannels * (inChannels / groups) * window.kernelH() * window.kernelW();
  }

  /** Multiply-adds of the forward pass (each backward pass costs as many): B·O·OH·OW·(C/G)·KH·KW. */
  public long multiplyAdds() {
    return outputSize() * (inChannels / groups) * window.kernelH() * window.kernelW();
  }

  @Override
  public String toString() {
    return "[" + batch + ", " + inChannels + ", " + height + ", " + width + "] -> [" + batch + ", " + outChannels
        + ", " + outHeight() + ", " + outWidth() + "], " + window + (groups == 1 ? "" : ", groups " + groups);
  }
}
