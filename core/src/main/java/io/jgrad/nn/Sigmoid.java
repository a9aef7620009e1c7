package io.jgrad.nn;

import io.jgrad.UnaryOp;

/** y = 1/(1 + exp(−x)). */
public final class Sigmoid extends Activation {
  public Sigmoid() {
    super(UnaryOp.SIGMOID, 0);
  }
}
