package io.jgrad.train;

import io.jgrad.optim.Optimizer;
import java.util.Map;

/**
 * Lowers the learning rate when a monitored metric stops improving, as PyTorch's {@code ReduceLROnPlateau}: after
 * more than {@code patience} epochs in a row without an improvement, the rate is multiplied by {@code factor}. An
 * improvement is PyTorch's default, relative one: a loss below {@code best · (1 − 1e-4)}, an accuracy above {@code
 * best · (1 + 1e-4)}; a non-finite value never improves. A reduction smaller than 1e-8 is not made (PyTorch's {@code
 * eps}), so the rate stops falling near zero.
 *
 * <p>The rate is set on the optimizer after an epoch, for the epochs that follow: the optimizer must have no {@link
 * io.jgrad.optim.LrSchedule}, which would set it again at every step. {@link Trainer#lrOnPlateau} steps it after each
 * epoch; {@link #metadata} and {@link #restore} carry its state, the rate included, through a checkpoint.
 */
public final class ReduceLrOnPlateau {
  /** PyTorch's defaults. */
  public static final double DEFAULT_FACTOR = 0.1;
  public static final int DEFAULT_PATIENCE = 10;
  private static final double THRESHOLD = 1e-4;
  private static final double EPS = 1e-8;
  private static final String KEY = "jgrad.plateau.";

  private final Monitor monitor;
  private final int patience;
  private final double factor;
  private double best = Double.NaN;
  private int badEpochs;

  private ReduceLrOnPlateau(Monitor monitor, int patience, double factor) {
    if (patience < 0) {
      throw new IllegalArgumentException("plateau patience must be >= 0 epochs, got " + patience);
    }
    if (!(factor > 0 && factor < 1)) {
      throw new IllegalArgumentException("plateau factor must be in (0, 1), got " + factor);
    }
    this.monitor = monitor;
    this.patience = patience;
    this.factor = factor;
  }

  /** Watches {@code monitor} ({@link Monitor#VALIDATION_LOSS}, usually). */
  public static ReduceLrOnPlateau on(Monitor monitor, int patience, double factor) {
    return new ReduceLrOnPlateau(monitor, patience, factor);
  }

  public Monitor monitor() {
    return monitor;
  }

  /** Records an epoch and, after a plateau, lowers {@code optimizer}'s rate (PyTorch's {@code step(metric)}). */
  public void step(EpochMetrics m, Optimizer optimizer) {
    double v = monitor.value(m);
    if (improves(v)) {
      best = v;
      badEpochs = 0;
    } else {
      badEpochs++;
    }
    if (badEpochs > patience) {
      double lr = optimizer.lr();
      if (lr - lr * factor > EPS) {
        optimizer.setLr(lr * factor);
      }
      badEpochs = 0;
    }
  }

  private boolean improves(double v) {
    if (!Double.isFinite(v)) {
      return false;
    }
    double bar = best * (monitor.higherIsBetter() ? 1 + THRESHOLD : 1 - THRESHOLD);
    return Double.isNaN(best) || monitor.gain(v, bar) > 0;
  }

  /** The state for a checkpoint: the best value, the epochs since it, and the optimizer's current rate. */
  public Map<String, String> metadata(Optimizer optimizer) {
    return Map.of(KEY + "lr", Double.toString(optimizer.lr()), KEY + "best", Double.toString(best),
        KEY + "bad_epochs", Integer.toString(badEpochs));
  }

  /** Continues from what {@link #metadata} recorded (nothing there: from the start), and sets the rate it had. */
  public void restore(Map<String, String> metadata, Optimizer optimizer) {
    String lr = metadata.get(KEY + "lr");
    String recordedBest = metadata.get(KEY + "best");
    String bad = metadata.get(KEY + "bad_epochs");
    if (lr != null && recordedBest != null && bad != null) {
      optimizer.setLr(Double.parseDouble(lr));
      best = Double.parseDouble(recordedBest);
      badEpochs = Integer.parseInt(bad);
    }
  }
}
