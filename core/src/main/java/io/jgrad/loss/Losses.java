package io.jgrad.loss;

import io.jgrad.Tensor;

/** Argument checks the losses share. */
final class Losses {
  private Losses() {}

  static void checkSameShape(String loss, Tensor output, Tensor target) {
    if (!output.shape().equals(target.shape()) || output.dtype() != target.dtype()) {
      throw new IllegalArgumentException(loss + ": output " + output.shape() + " " + output.dtype().label()
          + " and target " + target.shape() + " " + target.dtype().label() + " must have the same shape and dtype");
    }
  }
}
