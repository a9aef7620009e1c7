package io.jgrad.train;

import io.jgrad.Backend;
import io.jgrad.MemoryStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Test listener that keeps the first {@code limit} step losses of a fit and, given a backend, that backend's memory
 * statistics after the first epoch (so a test can check that later steps allocate nothing).
 */
public final class FirstLosses implements TrainListener {
  private final int limit;
  private final Backend backend;
  private final List<Double> losses = new ArrayList<>();
  private MemoryStats afterFirstEpoch;

  /** The first {@code limit} losses; {@code backend} may be null when memory does not matter. */
  public FirstLosses(int limit, Backend backend) {
    this.limit = limit;
    this.backend = backend;
  }

  @Override
  public void stepFinished(int epoch, int step, StepProgress progress) {
    if (losses.size() < limit) {
      losses.add(progress.loss());
    }
  }

  @Override
  public void epochFinished(EpochMetrics metrics) {
    if (metrics.epoch() == 1 && backend != null) {
      afterFirstEpoch = backend.memoryStats();
    }
  }

  public List<Double> losses() {
    return losses;
  }

  /** The backend's statistics after epoch 1, or null before it (or without a backend). */
  public MemoryStats afterFirstEpoch() {
    return afterFirstEpoch;
  }
}
