package io.jgrad.nn;

import io.jgrad.Functional;
import io.jgrad.Tensor;

/**
 * PyTorch's nn.AdaptiveAvgPool2d for an output of 1×1, the global average pooling of a CNN's head: [B, C, H, W] →
 * [B, C, 1, 1]. Other output sizes are not supported.
 */
public final class AdaptiveAvgPool2d extends Module {

  /** @param outputSize must be 1 */
  public AdaptiveAvgPool2d(int outputSize) {
    if (outputSize != 1) {
      throw new IllegalArgumentException(
          "AdaptiveAvgPool2d: only an output size of 1 (global average pooling) is supported, got " + outputSize);
    }
  }

  @Override
  protected String settings() {
    return "output_size=1";
  }

  @Override
  public Tensor forward(Tensor x) {
    return Functional.globalAvgPool2d(x);
  }
}
