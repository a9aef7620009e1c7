package io.jgrad.train;

import java.util.Map;

/**
 * The best value a monitored metric has reached so far, and in which epoch; an epoch counts as better only when it
 * gains more than {@code minDelta}. A non-finite value is never the best (a diverged epoch must not be kept).
 */
public final class BestMetric {
  private final Monitor monitor;
  private final double minDelta;
  private double best = Double.NaN;
  private int bestEpoch;

  public BestMetric(Monitor monitor, double minDelta) {
    if (!(minDelta >= 0)) {
      throw new IllegalArgumentException("min delta must be >= 0, got " + minDelta);
    }
    this.monitor = monitor;
    this.minDelta = minDelta;
  }

  /** The best so far as checkpoint metadata: {@code jgrad.best.<monitor>} and {@code jgrad.best.<monitor>.epoch}. */
  public Map<String, String> metadata() {
    return bestEpoch == 0 ? Map.of()
        : Map.of(key(), Double.toString(best), key() + ".epoch", Integer.toString(bestEpoch));
  }

  /** Continues from what {@link #metadata} recorded in a checkpoint (nothing there: from scratch). */
  public void restore(Map<String, String> metadata) {
    String value = metadata.get(key());
    String epoch = metadata.get(key() + ".epoch");
    if (value != null && epoch != null) {
      best = Double.parseDouble(value);
      bestEpoch = Integer.parseInt(epoch);
    }
  }

  private String key() {
    return "jgrad.best." + monitor.label();
  }

  /** Records an epoch; true when it is the new best. */
  public boolean offer(EpochMetrics m) {
    double v = monitor.value(m);
    if (!Double.isFinite(v)) {
      return false;
    }
    if (Double.isNaN(best) || monitor.gain(v, best) > minDelta) {
      best = v;
      bestEpoch = m.epoch();
      return true;
    }
    return false;
  }

  public Monitor monitor() {
    return monitor;
  }

  /** NaN before the first finite value. */
  public double value() {
    return best;
  }

  /** 0 before the first finite value. */
  public int epoch() {
    return bestEpoch;
  }
}
