package io.jgrad.nn;

import io.jgrad.Functional;
import io.jgrad.Tensor;
import io.jgrad.Window2d;

/**
 * 2-D average pooling, [B, C, H, W] → [B, C, OH, OW], as PyTorch's nn.AvgPool2d with its defaults (padding counted as
 * zeros, floor rounding). No state.
 */
public final class AvgPool2d extends Module {
  private final Window2d window;

  /** A kernel × kernel window moving by its own size, no padding. */
  public AvgPool2d(int kernel) {
    this(Window2d.of(kernel, kernel, 0));
  }

  public AvgPool2d(Window2d window) {
    this.window = window;
  }

  @Override
  protected String settings() {
    return Settings.pooling(window);
  }

  @Override
  public Tensor forward(Tensor x) {
    return Functional.avgPool2d(x, window);
  }
}
