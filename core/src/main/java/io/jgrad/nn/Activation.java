package io.jgrad.nn;

import io.jgrad.Functional;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import java.util.Locale;

/**
 * An element-wise activation as a module, y = op(x; alpha). {@link Sequential} fuses a {@link Linear} followed by one
 * of these into the bias+activation kernel; on its own it runs the plain unary op.
 */
public abstract sealed class Activation extends Module permits ReLU, LeakyReLU, ELU, GELU, Tanh, Sigmoid {
  private final UnaryOp op;
  private final double alpha;

  Activation(UnaryOp op, double alpha) {
    this.op = op;
    this.alpha = alpha;
  }

  /**
   * The activation the command line names: relu, leaky-relu (slope 0.01), elu (alpha 1), gelu, tanh or sigmoid.
   */
  public static Activation named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "relu" -> new ReLU();
      case "leaky-relu" -> new LeakyReLU(LeakyReLU.DEFAULT_SLOPE);
      case "elu" -> new ELU(ELU.DEFAULT_ALPHA);
      case "gelu" -> new GELU();
      case "tanh" -> new Tanh();
      case "sigmoid" -> new Sigmoid();
      default -> throw new IllegalArgumentException(
          "unknown activation '" + name + "' (expected relu, leaky-relu, elu, gelu, tanh or sigmoid)");
    };
  }

  public final UnaryOp op() {
    return op;
  }

  public final double alpha() {
    return alpha;
  }

  @Override
  public final Tensor forward(Tensor x) {
    return Functional.unary(op, alpha, x);
  }

  static double checkPositive(String what, double alpha) {
    if (!(alpha > 0)) {
      throw new IllegalArgumentException(what + " must be > 0, got " + alpha);
    }
    return alpha;
  }
}
