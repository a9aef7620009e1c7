package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;

/**
 * Huber's loss, as PyTorch's HuberLoss: for each element's error d = output − target, d²/2 where |d| ≤ delta and
 * delta·(|d| − delta/2) beyond, so that an error's pull on the model grows with it up to delta and no further — a
 * regression that a few gross errors in its targets do not drag, where the squared error would.
 *
 * @param delta where the loss turns from squared to linear, in the targets' units (> 0)
 */
public record HuberLoss(double delta, Reduction reduction) implements Loss {

  public HuberLoss {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("huber: delta must be positive and finite, got " + delta);
    }
  }

  /** PyTorch's default, delta 1, averaged. */
  public HuberLoss() {
    this(1, Reduction.MEAN);
  }

  @Override
  public Tensor apply(Tensor output, Tensor target) {
    output = Autocast.widen(output); // losses stay float32 under autocast
    Losses.checkSameShape("huber", output, target);
    Tensor d = output.sub(target);
    // With c = d clamped to [−delta, delta], c·(d − c/2) is both branches: d²/2 inside, delta·|d| − delta²/2 outside;
    // its gradient is c (d inside, delta·sign(d) outside), also at the joins.
    Tensor c = d.clamp(delta);
    return reduction.reduce(c.mul(d.sub(c.mul(0.5))));
  }
}
