package io.jgrad.loss;

import io.jgrad.Tensor;

/** How per-sample losses become one number. */
public enum Reduction {
  /** The mean over the batch: the loss's scale does not depend on the batch size (the usual choice). */
  MEAN,
  /** The sum over the batch. */
  SUM;

  Tensor reduce(Tensor perElement) {
    return this == MEAN ? perElement.mean() : perElement.sum();
  }
}
