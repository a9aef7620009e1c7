package io.jgrad.nn;

import io.jgrad.UnaryOp;

/** y = x &gt; 0 ? x : alpha·(exp(x) − 1). */
public final class ELU extends Activation {
  public static final double DEFAULT_ALPHA = 1.0;

  /** @param alpha the negative saturation, &gt; 0 (the backward tells the sides apart by the output's sign) */
  public ELU(double alpha) {
    super(UnaryOp.ELU, checkPositive("ELU alpha", alpha));
  }

  @Override
  protected String settings() {
    return "alpha=" + alpha();
  }
}
