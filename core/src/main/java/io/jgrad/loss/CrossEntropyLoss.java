package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Functional;
import io.jgrad.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy of logits [B, C] against int32 labels [B], as PyTorch's CrossEntropyLoss: softmax and log in one
 * stable fused kernel, whose gradient is (softmax − t)/B for the mean, with t the (smoothed) one-hot target.
 *
 * <p>With class weights w (PyTorch's {@code weight=}), row i's loss is −Σ_c w_c·t_ic·log p_ic, and the mean divides
 * the sum by Σ_i w_{y_i}, the weight of the batch's labels, as PyTorch does: a class of weight 2 counts as two
 * examples of weight 1. That is computed from log-softmax and element-wise ops (no fused kernel); without weights the
 * fused kernel runs as before.
 *
 * @param smoothing label smoothing s in [0, 1): the target is (1 − s)·onehot + s/C
 * @param classWeights one finite weight ≥ 0 a class, not all 0; null for none (every class 1)
 */
public record CrossEntropyLoss(Reduction reduction, double smoothing, float[] classWeights) implements Loss {

  /** Mean over the batch, no smoothing. */
  public CrossEntropyLoss() {
    this(Reduction.MEAN, 0);
  }

  /** Without class weights. */
  public CrossEntropyLoss(Reduction reduction, double smoothing) {
    this(reduction, smoothing, null);
  }

  public CrossEntropyLoss {
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException("cross-entropy: label smoothing must be in [0, 1), got " + smoothing);
    }
    if (classWeights != null) {
      classWeights = classWeights.clone();
      boolean positive = false;
      for (float w : classWeights) {
        if (!(w >= 0 && Float.isFinite(w))) {
          throw new IllegalArgumentException("cross-entropy: class weights must be finite and >= 0, got "
              + Arrays.toString(classWeights));
        }
        positive |= w > 0;
      }
      if (!positive) {
        throw new IllegalArgumentException("cross-entropy: class weights are all 0: no example would count");
      }
    }
  }

  @Override
  public float[] classWeights() {
    return classWeights == null ? null : classWeights.clone();
  }

  @Override
  public Tensor apply(Tensor logits, Tensor labels) {
    if (classWeights != null) {
      return weighted(Autocast.widen(logits), labels);
    }
    try (Tensor perRow = Functional.crossEntropyPerRow(logits, labels, smoothing)) {
      return reduction.reduce(perRow);
    }
  }

  private Tensor weighted(Tensor logits, Tensor labels) {
    int batch = logits.shape().dim(0);
    int classes = logits.shape().dim(1);
    if (classes != classWeights.length) {
      throw new IllegalArgumentException("cross-entropy: " + classWeights.length + " class weights for logits of "
          + classes + " classes");
    }
    Backend backend = logits.backend();
    DType dtype = logits.dtype();
    // The one-hot targets and the weights are built on the logits' device: nothing is read back.
    Tensor oneHot = labels.to(dtype).reshape(batch, 1).eq(Tensor.arange(backend, classes).to(dtype)
        .reshape(1, classes));
    Tensor weights = Tensor.of(backend, classWeights, 1, classes).to(dtype);
    Tensor target = oneHot.mul(1 - smoothing).add(smoothing / classes).mul(weights);
    Tensor perRow = logits.logSoftmax(1).mul(target).sum(1, false).neg();
    return reduction == Reduction.MEAN ? perRow.sum().div(oneHot.mul(weights).sum()) : perRow.sum();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CrossEntropyLoss c && reduction == c.reduction && Double.compare(smoothing, c.smoothing) == 0
        && Arrays.equals(classWeights, c.classWeights);
  }

  @Override
  public int hashCode() {
    return (reduction.hashCode() * 31 + Double.hashCode(smoothing)) * 31 + Arrays.hashCode(classWeights);
  }

  @Override
  public String toString() {
    return "CrossEntropyLoss[reduction=" + reduction + ", smoothing=" + smoothing
        + (classWeights == null ? "" : ", classWeights=" + Arrays.toString(classWeights)) + "]";
  }
}
