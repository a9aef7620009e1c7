package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;

/**
 * The quantile (pinball) loss: for each element's error e = target − output, q·e where the output is at or below the
 * target and (q − 1)·e where it is above, so that the output minimising its mean is the q-quantile of the target given
 * the input rather than its mean: a model trained at q = 0.1 and one at q = 0.9 bound an 80% prediction interval.
 * scikit-learn's {@code mean_pinball_loss(alpha=q)} and the loss of its {@code QuantileRegressor} and gradient boosting
 * at {@code loss="quantile"}; q = 0.5 is half the mean absolute error.
 *
 * @param quantile q, in (0, 1)
 */
public record QuantileLoss(double quantile, Reduction reduction) implements Loss {

  public QuantileLoss {
    if (!(quantile > 0 && quantile < 1)) {
      throw new IllegalArgumentException("quantile: q must be in (0, 1), got " + quantile);
    }
  }

  /** The loss at {@code quantile}, averaged. */
  public QuantileLoss(double quantile) {
    this(quantile, Reduction.MEAN);
  }

  @Override
  public Tensor apply(Tensor output, Tensor target) {
    output = Autocast.widen(output); // losses stay float32 under autocast
    Losses.checkSameShape("quantile", output, target);
    // q·e + max(−e, 0) is both branches: q·e at e ≥ 0, (q − 1)·e below; its gradient in the output is −q at e ≥ 0
    // (relu's is 0 at 0, as scikit-learn puts e = 0 in the q branch) and 1 − q below.
    Tensor e = target.sub(output);
    return reduction.reduce(e.mul(quantile).add(e.neg().relu()));
  }
}
