package io.jgrad.train;

/** Hears about training progress: progress bars, metrics files, plots. Every method defaults to nothing. */
public interface TrainListener {
  /** Before epoch {@code epoch} (1-based) of {@code epochs}, which has {@code steps} steps. */
  default void epochStarted(int epoch, int epochs, int steps) {}

  /**
   * After each step (0-based within its epoch). Reading {@code progress}'s losses waits for the device: ask at the
   * rate you display them, not every step.
   */
  default void stepFinished(int epoch, int step, StepProgress progress) {}

  default void epochFinished(EpochMetrics metrics) {}
}
