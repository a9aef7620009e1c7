package io.jgrad.cpu;

import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;

/**
 * The element-wise functions in double, written once: the reference kernels loop over them and the SIMD kernels use
 * them for their scalar tails, so both backends agree on every edge case (zeros, kinks, comparisons).
 */
final class ElementMath {
  /** √(2/π), the GELU tanh-form constant. */
  private static final double GELU_C = Math.sqrt(2.0 / Math.PI);

  private static final double GELU_CUBIC = 0.044715;

  private ElementMath() {}

  /** y = op(x; alpha), as {@link UnaryOp} documents each constant. */
  static double unary(UnaryOp op, double alpha, double x) {
    switch (op) {
      case NEG:
        return -x;
      case EXP:
        return Math.exp(x);
      case LOG:
        return Math.log(x);
      case SQRT:
        return Math.sqrt(x);
      case ABS:
        return Math.abs(x);
      case RELU:
        return x <= 0 ? 0.0 : x; // NaN fails the test and passes through, as PyTorch's relu lets it
      case LEAKY_RELU:
        return x > 0 ? x : alpha * x;
      case ELU:
        return x > 0 ? x : alpha * (Math.exp(x) - 1.0);
      case SIGMOID:
        return 1.0 / (1.0 + Math.exp(-x));
      case TANH:
        return Math.tanh(x);
      case GELU:
        return 0.5 * x * (1.0 + Math.tanh(GELU_C * (x + GELU_CUBIC * x * x * x)));
      case ADD_SCALAR:
        return x + alpha;
      case MUL_SCALAR:
        return alpha * x;
      case POW_SCALAR:
        return Math.pow(x, alpha);
      case CLAMP:
        return Math.min(Math.max(x, -alpha), alpha);
      case DROPOUT_MASK:
        return x >= alpha ? dropoutScale(alpha) : 0.0;
      case IDENTITY:
        return x;
      default:
        throw new AssertionError(op);
    }
  }

  /**
   * dx = dy·op'(saved), where saved is the forward's input or output as {@link UnaryOp#saves()} says (ignored for ops
   * that save nothing). RELU and CLAMP select 0 outside their mask rather than multiply by it, as PyTorch's
   * threshold_backward and clamp_backward do (and ops.cuh's unary_gradient): dy·0 would turn a NaN or infinite dy
   * into NaN where the op passed no gradient at all. Every other op multiplies dy by its derivative. A NaN saved value
   * takes the branch PyTorch's kernels give it: RELU and ELU test {@code saved <= 0} (so NaN passes dy), LEAKY_RELU
   * tests {@code saved > 0} (so NaN scales dy by alpha).
   *
   * @throws IllegalArgumentException for DROPOUT_MASK, which has no gradient
   */
  static double gradient(UnaryOp op, double alpha, double saved, double dy) {
    switch (op) {
      case NEG:
        return -dy;
      case EXP:
        return dy * saved;
      case LOG:
        return dy * (1.0 / saved);
      case SQRT:
        return dy * (0.5 / saved);
      case ABS:
        return dy * Math.signum(saved);
      case RELU:
        return saved <= 0 ? 0.0 : dy;
      case LEAKY_RELU:
        return saved > 0 ? dy : dy * alpha;
      case ELU:
        return saved <= 0 ? dy * (saved + alpha) : dy;
      case SIGMOID:
        return dy * (saved * (1.0 - saved));
      case TANH:
        return dy * (1.0 - saved * saved);
      case GELU:
        return dy * geluDerivative(saved);
      case ADD_SCALAR:
      case IDENTITY:
        return dy;
      case MUL_SCALAR:
        return dy * alpha;
      case POW_SCALAR:
        return dy * (alpha * Math.pow(saved, alpha - 1.0));
      case CLAMP:
        return Math.abs(saved) < alpha ? dy : 0.0;
      case DROPOUT_MASK:
        throw new IllegalArgumentException("unaryBackward: DROPOUT_MASK has no gradient");
      default:
        throw new AssertionError(op);
    }
  }

  private static double geluDerivative(double x) {
    double t = Math.tanh(GELU_C * (x + GELU_CUBIC * x * x * x));
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_CUBIC * x * x);
  }

  /** op(a, b); comparisons give 1 or 0. */
  static double binary(BinaryOp op, double a, double b) {
    switch (op) {
      case ADD:
        return a + b;
      case SUB:
        return a - b;
      case MUL:
        return a * b;
      case DIV:
        return a / b;
      case MAX:
        return Math.max(a, b);
      case MIN:
        return Math.min(a, b);
      case POW:
        return Math.pow(a, b);
      case EQ:
        return a == b ? 1.0 : 0.0;
      case GE:
        return a >= b ? 1.0 : 0.0;
      case GT:
        return a > b ? 1.0 : 0.0;
      default:
        throw new AssertionError(op);
    }
  }

  /**
   * DROPOUT_MASK's keep scale 1/(1 − p), in double: every form of the mask (scalar, vector, one pass) rounds this to
   * its type, so they agree bit for bit.
   */
  static double dropoutScale(double p) {
    return 1.0 / (1.0 - p);
  }
}
