package io.jgrad.train;

import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.optim.Optimizer;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural Networks", 2017), as PyTorch
 * Lightning's {@code Tuner.lr_find} runs it: from a fresh model, one step a batch with the learning rate growing
 * geometrically from {@code minLr} to {@code maxLr}, the loss smoothed (an exponential average, β 0.98,
 * bias-corrected), stopping early once the smoothed loss passes 4× its best (the run has diverged) or a loss is not
 * finite. Two readings of the curve: fastai's {@code lr_min}, the rate of the lowest smoothed loss divided by 10, the
 * suggestion (the lowest point itself is already too fast, and a tenth of it is robust to a noisy curve); and
 * Lightning's, the rate at the steepest fall of the smoothed loss (the most negative central difference, leaving out
 * the first 10 steps and the last), which on noisy small batches can fall on noise early in the curve.
 *
 * <p>The steps change the model and the optimizer's state: run it on a model built for it, then train another.
 */
public final class LrFinder {
  /** The average's weight on the past, Lightning's. */
  static final double BETA = 0.98;
  /** The smoothed loss past this many times its best ends the test, Lightning's early_stop_threshold. */
  static final double DIVERGED = 4;
  /** Steps left out at the start and at the end of the suggestion's search, Lightning's skip_begin and skip_end. */
  static final int SKIP_BEGIN = 10;
  static final int SKIP_END = 1;

  /**
   * The steps taken: each one's learning rate, loss and smoothed loss.
   *
   * @param diverged whether the test stopped before its last step (the loss past 4× its best, or not finite)
   */
  public record Result(double[] lrs, double[] losses, double[] smoothed, boolean diverged) {
    public Result {
      lrs = lrs.clone();
      losses = losses.clone();
      smoothed = smoothed.clone();
    }

    @Override
    public double[] lrs() {
      return lrs.clone();
    }

    @Override
    public double[] losses() {
      return losses.clone();
    }

    @Override
    public double[] smoothed() {
      return smoothed.clone();
    }

    /** The rate whose step had the lowest smoothed loss; NaN where no step was taken. */
    public double minimumLr() {
      int lowest = -1;
      for (int i = 0; i < smoothed.length; i++) {
        lowest = lowest < 0 || smoothed[i] < smoothed[lowest] ? i : lowest;
      }
      return lowest < 0 ? Double.NaN : lrs[lowest];
    }

    /** A tenth of {@link #minimumLr}, fastai's {@code lr_min}: the rate to train at. */
    public double suggestion() {
      return minimumLr() / 10;
    }

    /** Lightning's suggestion, the rate at the steepest fall ({@link LrFinder#steepest}); NaN with too few steps. */
    public double steepestLr() {
      return steepest(lrs, smoothed);
    }
  }

  private LrFinder() {}

  /**
   * Runs the test with {@code trainer} (its model, loss and step) and {@code optimizer} (the trainer's, whose learning
   * rate it sets each step, its schedule removed) on {@code train}'s batches, epoch after epoch as needed, for at most
   * {@code steps} steps.
   */
  public static Result run(Trainer trainer, Optimizer optimizer, DataLoader train, double minLr, double maxLr,
      int steps) {
    if (!(minLr > 0 && maxLr > minLr && Double.isFinite(maxLr))) {
      throw new IllegalArgumentException("lr range test: need 0 < min < max, finite, got " + minLr + " and " + maxLr);
    }
    if (steps < 2) {
      throw new IllegalArgumentException("lr range test: at least 2 steps, got " + steps);
    }
    double[] lrs = new double[steps];
    double[] losses = new double[steps];
    double[] smoothed = new double[steps];
    double average = 0;
    double best = Double.POSITIVE_INFINITY;
    int taken = 0;
    boolean diverged = false;
    optimizer.setSchedule(null); // the test sets the rate itself
    Iterator<Batch> batches = train.epoch(0);
    for (int epoch = 1; taken < steps && !diverged; ) {
      if (!batches.hasNext()) {
        batches = train.epoch(epoch++);
        continue;
      }
      double lr = minLr * Math.pow(maxLr / minLr, (double) taken / (steps - 1));
      optimizer.setLr(lr);
      double loss;
      try (Batch batch = batches.next()) {
        loss = trainer.step(batch);
      } catch (NonFiniteGradientException e) {
        loss = Double.NaN; // a gradient that overflowed: past where the rate is of any use
      }
      if (!Double.isFinite(loss)) {
        diverged = true;
        break;
      }
      average = BETA * average + (1 - BETA) * loss;
      double smooth = average / (1 - Math.pow(BETA, taken + 1));
      lrs[taken] = lr;
      losses[taken] = loss;
      smoothed[taken] = smooth;
      taken++;
      best = Math.min(best, smooth);
      diverged = taken < steps && smooth > DIVERGED * best;
    }
    return new Result(Arrays.copyOf(lrs, taken), Arrays.copyOf(losses, taken), Arrays.copyOf(smoothed, taken),
        diverged);
  }

  /** The rate at the smoothed loss's most negative central difference, between the steps skipped; NaN if none. */
  static double steepest(double[] lrs, double[] smoothed) {
    int from = SKIP_BEGIN;
    int to = smoothed.length - SKIP_END; // exclusive
    if (to - from < 2) {
      return Double.NaN;
    }
    int steepest = -1;
    double fall = Double.POSITIVE_INFINITY;
    for (int i = from; i < to; i++) {
      // numpy's gradient over the kept window: one-sided at its ends, central inside
      double g = i == from ? smoothed[i + 1] - smoothed[i] : i == to - 1 ? smoothed[i] - smoothed[i - 1]
          : (smoothed[i + 1] - smoothed[i - 1]) / 2;
      if (g < fall) {
        fall = g;
        steepest = i;
      }
    }
    return lrs[steepest];
  }
}
