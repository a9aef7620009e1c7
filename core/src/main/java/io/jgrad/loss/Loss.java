package io.jgrad.loss;

import io.jgrad.Tensor;

/** A training objective: a scalar from the model's output and the target (labels or values). */
@FunctionalInterface
public interface Loss {
  Tensor apply(Tensor output, Tensor target);
}
