package io.jgrad.nn;

import io.jgrad.spi.UnaryOp;

/** y = tanh(x). */
public final class Tanh extends Activation {
  public Tanh() {
    super(UnaryOp.TANH, 0);
  }
}
