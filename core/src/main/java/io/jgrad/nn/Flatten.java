package io.jgrad.nn;

import io.jgrad.Tensor;

/** [B, d1, d2, …] → [B, d1·d2·…]: images into a Linear. A view of the same storage. */
public final class Flatten extends Module {
  public Flatten() {}

  @Override
  protected String settings() {
    return "start_dim=1, end_dim=-1";
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() < 1) {
      throw new IllegalArgumentException("Flatten: needs at least a batch axis, got a scalar");
    }
    return x.reshape(x.dim(0), Math.toIntExact(x.size() / x.dim(0)));
  }
}
