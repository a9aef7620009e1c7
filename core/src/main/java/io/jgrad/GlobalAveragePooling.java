package io.jgrad;

/**
 * Global average pooling, [B, C, H, W] → [B, C, 1, 1] (PyTorch's AdaptiveAvgPool2d(1)): a mean over H·W composed
 * from reshape and mean, so its backward comes from theirs.
 */
final class GlobalAveragePooling {
  private GlobalAveragePooling() {}

  static Tensor apply(Tensor x) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException("globalAvgPool2d: input " + x.shape() + " must be 4-D [B, C, H, W]");
    }
    return x.reshape(x.dim(0), x.dim(1), x.dim(2) * x.dim(3)).mean(2, true).reshape(x.dim(0), x.dim(1), 1, 1);
  }
}
