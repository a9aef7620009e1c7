package io.jgrad;

/**
 * A sliding window over the last two axes of an NCHW tensor, as PyTorch's Conv2d and pooling layers take it: kernel
 * size, stride, zero padding on each side and dilation (the gap between taps), each for height then width. Output
 * sizes follow PyTorch with floor rounding: {@code out = (in + 2·pad − dilation·(kernel − 1) − 1) / stride + 1}.
 */
public record Window2d(
    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {

  public Window2d {
    if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0
        || padW < 0) {
      throw new IllegalArgumentException("window: kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x"
          + strideW + ", dilation " + dilationH + "x" + dilationW + " must be at least 1 and padding " + padH + "x"
          + padW + " at least 0");
    }
  }

  /** A square window without dilation. */
  public static Window2d of(int kernel, int stride, int padding) {
    return new Window2d(kernel, kernel, stride, stride, padding, padding, 1, 1);
  }

  /** A square window with dilation. */
  public static Window2d of(int kernel, int stride, int padding, int dilation) {
    return new Window2d(kernel, kernel, stride, stride, padding, padding, dilation, dilation);
  }

  /** Output rows for {@code height} input rows (at least 1 for a valid geometry). */
  public int outHeight(int height) {
    return (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  /** Output columns for {@code width} input columns. */
  public int outWidth(int width) {
    return (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }

  /** Whether the window fits an input of height × width at least once (padding included). */
  public boolean fits(int height, int width) {
    return height + 2 * padH >= dilationH * (kernelH - 1) + 1 && width + 2 * padW >= dilationW * (kernelW - 1) + 1;
  }

  @Override
  public String toString() {
    return "kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW + ", padding " + padH + "x"
        + padW + (dilationH == 1 && dilationW == 1 ? "" : ", dilation " + dilationH + "x" + dilationW);
  }
}
