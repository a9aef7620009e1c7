package io.jgrad.train;

import java.util.function.ToDoubleFunction;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for {@code patience} epochs,
 * like Keras' EarlyStopping. Lower is better for a loss; {@link #onAccuracy} watches a metric where higher is better.
 */
public final class EarlyStopping {
  private final ToDoubleFunction<EpochMetrics> metric;
  private final boolean higherIsBetter;
  private final int patience;
  private final double minDelta;
  private double best = Double.NaN;
  private int staleEpochs;

  private EarlyStopping(ToDoubleFunction<EpochMetrics> metric, boolean higherIsBetter, int patience, double minDelta) {
    if (patience < 1) {
      throw new IllegalArgumentException("early stopping patience must be at least 1 epoch, got " + patience);
    }
    this.metric = metric;
    this.higherIsBetter = higherIsBetter;
    this.patience = patience;
    this.minDelta = minDelta;
  }

  public static EarlyStopping onTestLoss(int patience, double minDelta) {
    return new EarlyStopping(EpochMetrics::testLoss, false, patience, minDelta);
  }

  public static EarlyStopping onAccuracy(int patience, double minDelta) {
    return new EarlyStopping(EpochMetrics::testAccuracy, true, patience, minDelta);
  }

  /** Records an epoch; true when training should stop. */
  public boolean shouldStop(EpochMetrics m) {
    double v = metric.applyAsDouble(m);
    double gain = higherIsBetter ? v - best : best - v;
    if (Double.isNaN(best) || gain > minDelta) {
      best = v;
      staleEpochs = 0;
      return false;
    }
    return ++staleEpochs >= patience;
  }
}
