package io.jgrad.nn;

import io.jgrad.UnaryOp;

/** y = max(x, 0). */
public final class ReLU extends Activation {
  public ReLU() {
    super(UnaryOp.RELU, 0);
  }
}
