package io.jgrad.nn;

import io.jgrad.UnaryOp;

/** y = x &gt; 0 ? x : slope·x. */
public final class LeakyReLU extends Activation {
  /** PyTorch's default negative slope. */
  public static final double DEFAULT_SLOPE = 0.01;

  /** @param slope the negative slope, &gt; 0 (the backward tells the sides apart by the output's sign) */
  public LeakyReLU(double slope) {
    super(UnaryOp.LEAKY_RELU, checkPositive("LeakyReLU slope", slope));
  }

  @Override
  protected String settings() {
    return "negative_slope=" + alpha();
  }
}
