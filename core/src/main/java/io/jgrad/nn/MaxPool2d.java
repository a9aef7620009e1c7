package io.jgrad.nn;

import io.jgrad.Functional;
import io.jgrad.Tensor;
import io.jgrad.Window2d;

/** 2-D max pooling, [B, C, H, W] → [B, C, OH, OW], as PyTorch's nn.MaxPool2d (floor rounding). No state. */
public final class MaxPool2d extends Module {
  private final Window2d window;

  /** A kernel × kernel window moving by its own size (PyTorch's default stride), no padding. */
  public MaxPool2d(int kernel) {
    this(Window2d.of(kernel, kernel, 0));
  }

  public MaxPool2d(Window2d window) {
    this.window = window;
  }

  public Window2d window() {
    return window;
  }

  @Override
  protected String settings() {
    return Settings.pooling(window);
  }

  @Override
  public Tensor forward(Tensor x) {
    return Functional.maxPool2d(x, window);
  }
}
