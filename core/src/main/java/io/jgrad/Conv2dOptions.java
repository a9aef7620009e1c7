package io.jgrad;

/**
 * What {@link Convolution} takes besides its tensors, as PyTorch's Conv2d keywords: stride, zero padding, dilation
 * (each for height then width) and groups. {@code Conv2dOptions.DEFAULTS.padding(1)} is a same-size 3×3
 * convolution.
 */
public record Conv2dOptions(
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  /** Stride 1, no padding, no dilation, one group. */
  public static final Conv2dOptions DEFAULTS = new Conv2dOptions(1, 1, 0, 0, 1, 1, 1);

  public Conv2dOptions stride(int s) {
    return new Conv2dOptions(s, s, padH, padW, dilationH, dilationW, groups);
  }

  public Conv2dOptions padding(int p) {
    return new Conv2dOptions(strideH, strideW, p, p, dilationH, dilationW, groups);
  }

  public Conv2dOptions dilation(int d) {
    return new Conv2dOptions(strideH, strideW, padH, padW, d, d, groups);
  }

  public Conv2dOptions groups(int g) {
    return new Conv2dOptions(strideH, strideW, padH, padW, dilationH, dilationW, g);
  }

  /** The sliding window of a kernel of kernelH × kernelW with these options. */
  public Window2d window(int kernelH, int kernelW) {
    return new Window2d(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW);
  }
}
