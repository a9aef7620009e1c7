package io.jgrad.nn;

import io.jgrad.UnaryOp;

/** y = tanh(x). */
public final class Tanh extends Activation {
  public Tanh() {
    super(UnaryOp.TANH, 0);
  }
}
