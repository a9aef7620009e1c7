package io.jgrad.optim;

import io.jgrad.Tensor;

/**
 * Trains with an effective batch k times larger than fits at once: backward runs on each of k micro-batches with the
 * loss scaled by 1/k (gradients accumulate in the parameters' .grad), and every k-th call steps the optimizer and
 * clears the gradients. With a mean-reduced loss and equal micro-batches this is the same update as one full batch.
 *
 * <pre>{@code
 * GradientAccumulation acc = new GradientAccumulation(optimizer, 4);
 * for (Batch b : loader) {
 *   try (Scope s = Scope.open()) {
 *     acc.backward(loss.apply(model.forward(b.x()), b.y()));
 *   }
 * }
 * }</pre>
 */
public final class GradientAccumulation {
  private final Optimizer optimizer;
  private final int microBatches;
  private int pending;

  public GradientAccumulation(Optimizer optimizer, int microBatches) {
    if (microBatches <= 0) {
      throw new IllegalArgumentException("gradient accumulation: micro-batches must be > 0, got " + microBatches);
    }
    this.optimizer = optimizer;
    this.microBatches = microBatches;
  }

  /** Backpropagates loss/k; on every k-th call also steps and zeroes the gradients. Returns whether it stepped. */
  public boolean backward(Tensor loss) {
    loss.mul(1.0 / microBatches).backward();
    if (++pending < microBatches) {
      return false;
    }
    pending = 0;
    optimizer.step();
    optimizer.zeroGrad();
    return true;
  }
}
