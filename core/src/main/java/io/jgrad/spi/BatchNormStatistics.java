package io.jgrad.spi;

/** Which statistics a batch-norm backward differentiates through. */
public enum BatchNormStatistics {
  /** Training: mean and variance are the batch's own, so the gradient flows through them into every element. */
  BATCH,
  /** Evaluation: mean and variance are the running estimates, constants of the step. */
  RUNNING
}
