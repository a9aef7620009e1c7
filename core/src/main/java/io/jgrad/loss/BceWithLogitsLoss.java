package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;

/**
 * Binary cross-entropy of logits x against targets y in [0, 1], as PyTorch's BCEWithLogitsLoss, in the stable form
 * max(x, 0) − x·y + log(1 + exp(−|x|)): exp never sees a positive argument, so logits of ±1e4 give finite losses
 * and gradients (σ(x) − y), where log(σ(x)) would give −∞.
 */
public record BceWithLogitsLoss(Reduction reduction) implements Loss {

  public BceWithLogitsLoss() {
    this(Reduction.MEAN);
  }

  @Override
  public Tensor apply(Tensor logits, Tensor targets) {
    logits = Autocast.widen(logits); // losses stay float32 under autocast
    Losses.checkSameShape("bce_with_logits", logits, targets);
    Tensor abs = logits.abs();
    // max(x, 0) written as (x + |x|)/2: at x = 0 the kinks of |x| here and in log(1 + exp(−|x|)) cancel with
    // sign(0) = 0, giving the true gradient σ(0) − y; relu's one-sided derivative would give −y.
    Tensor positivePart = logits.add(abs).mul(0.5);
    Tensor softplusOfMinusAbs = abs.neg().exp().add(1).log();
    return reduction.reduce(positivePart.sub(logits.mul(targets)).add(softplusOfMinusAbs));
  }
}
