package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.UnaryOp;

/**
 * The activation check of {@link Backend#biasActivationMasked} and its backward, shared by every backend so each
 * reports it in the same words.
 */
public final class MaskCheck {
  private MaskCheck() {}

  /** Refuses an activation that {@link UnaryOp#takesMask() takes no mask}. */
  public static void activation(String kernel, UnaryOp act) {
    if (!act.takesMask()) {
      throw new IllegalArgumentException(kernel + ": " + act + " cannot take a mask (its backward needs the unmasked"
          + " output; IDENTITY, RELU and LEAKY_RELU can)");
    }
  }
}
