package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;
import java.util.Arrays;

/**
 * Binary cross-entropy of logits x against targets y in [0, 1], as PyTorch's BCEWithLogitsLoss, in the stable form
 * max(x, 0) − x·y + log(1 + exp(−|x|)): exp never sees a positive argument, so logits of ±1e4 give finite losses
 * and gradients (σ(x) − y), where log(σ(x)) would give −∞.
 *
 * <p>With positive weights p (PyTorch's {@code pos_weight=}, one a label, the last dimension), a present label's term
 * weighs p: (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), so that a rare label's few positives can count as much as its
 * many negatives (PyTorch's advice: p = negatives / positives).
 *
 * @param posWeight one finite weight ≥ 0 a label; null for none (every label 1)
 */
public record BceWithLogitsLoss(Reduction reduction, float[] posWeight) implements Loss {

  public BceWithLogitsLoss() {
    this(Reduction.MEAN);
  }

  /** Without positive weights. */
  public BceWithLogitsLoss(Reduction reduction) {
    this(reduction, null);
  }

  public BceWithLogitsLoss {
    if (posWeight != null) {
      posWeight = posWeight.clone();
      for (float w : posWeight) {
        if (!(w >= 0 && Float.isFinite(w))) {
          throw new IllegalArgumentException("bce_with_logits: positive weights must be finite and >= 0, got "
              + Arrays.toString(posWeight));
        }
      }
    }
  }

  @Override
  public float[] posWeight() {
    return posWeight == null ? null : posWeight.clone();
  }

  @Override
  public Tensor apply(Tensor logits, Tensor targets) {
    logits = Autocast.widen(logits); // losses stay float32 under autocast
    Losses.checkSameShape("bce_with_logits", logits, targets);
    Tensor abs = logits.abs();
    Tensor softplusOfMinusAbs = abs.neg().exp().add(1).log();
    if (posWeight != null) {
      return reduction.reduce(weighted(logits, targets, abs, softplusOfMinusAbs));
    }
    // max(x, 0) written as (x + |x|)/2: at x = 0 the kinks of |x| here and in log(1 + exp(−|x|)) cancel with
    // sign(0) = 0, giving the true gradient σ(0) − y; relu's one-sided derivative would give −y.
    Tensor positivePart = logits.add(abs).mul(0.5);
    return reduction.reduce(positivePart.sub(logits.mul(targets)).add(softplusOfMinusAbs));
  }

  /** (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), softplus(−x) = (|x| − x)/2 + log(1 + exp(−|x|)). */
  private Tensor weighted(Tensor x, Tensor y, Tensor abs, Tensor softplusOfMinusAbs) {
    int labels = x.shape().dim(x.rank() - 1);
    if (labels != posWeight.length) {
      throw new IllegalArgumentException("bce_with_logits: " + posWeight.length + " positive weights for logits of "
          + labels + " labels");
    }
    int[] dims = new int[x.rank()];
    Arrays.fill(dims, 1);
    dims[dims.length - 1] = labels;
    // Built on the logits' device, broadcast over the rows: nothing is read back.
    Tensor p = Tensor.of(x.backend(), posWeight, dims).to(x.dtype());
    Tensor softplusOfMinusX = abs.sub(x).mul(0.5).add(softplusOfMinusAbs);
    Tensor weight = y.mul(p.sub(1)).add(1);
    return y.neg().add(1).mul(x).add(weight.mul(softplusOfMinusX));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BceWithLogitsLoss b && reduction == b.reduction && Arrays.equals(posWeight, b.posWeight);
  }

  @Override
  public int hashCode() {
    return reduction.hashCode() * 31 + Arrays.hashCode(posWeight);
  }

  @Override
  public String toString() {
    return "BceWithLogitsLoss[reduction=" + reduction
        + (posWeight == null ? "" : ", posWeight=" + Arrays.toString(posWeight)) + "]";
  }
}
