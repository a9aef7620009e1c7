package io.jgrad.train;

/** What the trainer does when the loss or a gradient is NaN or infinite. In both cases the model is left unchanged. */
public enum NonFinitePolicy {
  /** Skip the optimizer step, warn, and go on with the next batch (a loss-scaling style recovery). */
  SKIP,
  /** Stop training with a {@link NonFiniteGradientException}. */
  STOP
}
