package io.jgrad.train;

/** Hears about training progress: progress bars, metrics files, plots. Every method defaults to nothing. */
public interface TrainListener {
  /** Before epoch {@code epoch} (1-based) of {@code epochs}, which has {@code steps} steps. */
  default void epochStarted(int epoch, int epochs, int steps) {}

  /** After each step: its loss and the examples it trained on. */
  default void stepFinished(int epoch, int step, double loss, int examples) {}

  default void epochFinished(EpochMetrics metrics) {}
}
