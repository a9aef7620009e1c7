package io.jgrad.loss;

import io.jgrad.Functional;
import io.jgrad.Tensor;

/**
 * Cross-entropy of logits [B, C] against int32 labels [B], as PyTorch's CrossEntropyLoss: softmax and log in one
 * stable fused kernel, whose gradient is (softmax − t)/B for the mean, with t the (smoothed) one-hot target.
 *
 * @param smoothing label smoothing s in [0, 1): the target is (1 − s)·onehot + s/C
 */
public record CrossEntropyLoss(Reduction reduction, double smoothing) implements Loss {

  /** Mean over the batch, no smoothing. */
  public CrossEntropyLoss() {
    this(Reduction.MEAN, 0);
  }

  public CrossEntropyLoss {
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException("cross-entropy: label smoothing must be in [0, 1), got " + smoothing);
    }
  }

  @Override
  public Tensor apply(Tensor logits, Tensor labels) {
    try (Tensor perRow = Functional.crossEntropyPerRow(logits, labels, smoothing)) {
      return reduction.reduce(perRow);
    }
  }
}
