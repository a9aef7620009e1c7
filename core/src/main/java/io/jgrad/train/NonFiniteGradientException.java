package io.jgrad.train;

/** Training stopped because the loss or a gradient was not finite ({@link NonFinitePolicy#STOP}). */
public final class NonFiniteGradientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonFiniteGradientException(String message) {
    super(message);
  }
}
