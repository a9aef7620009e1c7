package io.jgrad.train;

import java.util.Map;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for {@code patience} epochs,
 * like Keras' EarlyStopping; with {@link #restoreBestWeights()} the trainer puts back the weights of the best epoch
 * when it ends.
 */
public final class EarlyStopping {
  private final BestMetric best;
  private final int patience;
  private boolean restoreBest;
  private boolean improved;
  private int staleEpochs;

  private EarlyStopping(Monitor monitor, int patience, double minDelta) {
    if (patience < 1) {
      throw new IllegalArgumentException("early stopping patience must be at least 1 epoch, got " + patience);
    }
    this.best = new BestMetric(monitor, minDelta);
    this.patience = patience;
  }

  /** Watches {@code monitor}; {@link Monitor#VALIDATION_LOSS} is the usual choice. */
  public static EarlyStopping on(Monitor monitor, int patience, double minDelta) {
    return new EarlyStopping(monitor, patience, minDelta);
  }

  public static EarlyStopping onTestLoss(int patience, double minDelta) {
    return on(Monitor.TEST_LOSS, patience, minDelta);
  }

  public static EarlyStopping onAccuracy(int patience, double minDelta) {
    return on(Monitor.TEST_ACCURACY, patience, minDelta);
  }

  /** When training ends, the trainer restores the weights of the best epoch (kept as a host copy). */
  public EarlyStopping restoreBestWeights() {
    this.restoreBest = true;
    return this;
  }

  public boolean restoresBestWeights() {
    return restoreBest;
  }

  public Monitor monitor() {
    return best.monitor();
  }

  /** Records an epoch; true when training should stop. */
  public boolean shouldStop(EpochMetrics m) {
    improved = best.offer(m);
    staleEpochs = improved ? 0 : staleEpochs + 1;
    return staleEpochs >= patience;
  }

  /**
   * Continues a resumed run: the best value and epoch from a checkpoint's metadata (see {@link BestMetric#metadata}),
   * and as many stale epochs as followed the best one up to {@code completedEpochs}.
   */
  public void restore(Map<String, String> metadata, int completedEpochs) {
    best.restore(metadata);
    staleEpochs = best.epoch() == 0 ? 0 : completedEpochs - best.epoch();
  }

  /** Whether the epoch last given to {@link #shouldStop} was the best so far. */
  public boolean improved() {
    return improved;
  }

  /** The best epoch so far (0 before any). */
  public int bestEpoch() {
    return best.epoch();
  }
}
