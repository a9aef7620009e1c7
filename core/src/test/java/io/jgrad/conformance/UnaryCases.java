package io.jgrad.conformance;

import io.jgrad.UnaryOp;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The op table: one {@link UnaryCase} per {@link UnaryOp}. The conformance suite walks {@code UnaryOp.values()}, so a
 * new enum constant without a row here fails it. Derivatives are written from x, in a different form from the
 * backends' (which use the saved output), so a shared mistake is unlikely.
 */
final class UnaryCases {
  private static final double[] NO_KINKS = {};
  private static final double[] AT_ZERO = {0.0};
  private static final double SLOPE = 0.1;
  private static final double CLAMP_LIMIT = 0.5;
  private static final double EXPONENT = 2.5;
  private static final double DROP_P = 0.25;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private static final Map<UnaryOp, UnaryCase> TABLE = new EnumMap<>(UnaryOp.class);

  static {
    row(UnaryOp.NEG, 0, -3, 3, NO_KINKS, x -> -x, x -> -1);
    row(UnaryOp.EXP, 0, -5, 5, NO_KINKS, Math::exp, Math::exp);
    row(UnaryOp.LOG, 0, 0.05, 10, NO_KINKS, Math::log, x -> 1 / x);
    row(UnaryOp.SQRT, 0, 0.05, 10, NO_KINKS, Math::sqrt, x -> 1 / (2 * Math.sqrt(x)));
    row(UnaryOp.ABS, 0, -3, 3, AT_ZERO, Math::abs, x -> x > 0 ? 1 : -1);
    row(UnaryOp.RELU, 0, -3, 3, AT_ZERO, x -> x > 0 ? x : 0, x -> x > 0 ? 1 : 0);
    row(UnaryOp.LEAKY_RELU, SLOPE, -3, 3, AT_ZERO, x -> x > 0 ? x : SLOPE * x, x -> x > 0 ? 1 : SLOPE);
    row(UnaryOp.ELU, 1.5, -3, 3, AT_ZERO, x -> x > 0 ? x : 1.5 * Math.expm1(x), x -> x > 0 ? 1 : 1.5 * Math.exp(x));
    row(UnaryOp.SIGMOID, 0, -8, 8, NO_KINKS, x -> Math.exp(x) / (1 + Math.exp(x)), UnaryCases::sigmoidDerivative);
    row(UnaryOp.TANH, 0, -4, 4, NO_KINKS, x -> Math.sinh(x) / Math.cosh(x), x -> 1 / (Math.cosh(x) * Math.cosh(x)));
    row(UnaryOp.GELU, 0, -4, 4, NO_KINKS, UnaryCases::gelu, UnaryCases::geluDerivative);
    row(UnaryOp.ADD_SCALAR, 1.25, -3, 3, NO_KINKS, x -> x + 1.25, x -> 1);
    row(UnaryOp.MUL_SCALAR, -0.75, -3, 3, NO_KINKS, x -> -0.75 * x, x -> -0.75);
    row(UnaryOp.POW_SCALAR, EXPONENT, 0.05, 3, NO_KINKS, x -> Math.exp(EXPONENT * Math.log(x)),
        x -> EXPONENT * Math.exp((EXPONENT - 1) * Math.log(x)));
    row(UnaryOp.CLAMP, CLAMP_LIMIT, -2, 2, new double[] {-CLAMP_LIMIT, CLAMP_LIMIT},
        x -> x < -CLAMP_LIMIT ? -CLAMP_LIMIT : x > CLAMP_LIMIT ? CLAMP_LIMIT : x, x -> Math.abs(x) < CLAMP_LIMIT ? 1 : 0);
    row(UnaryOp.DROPOUT_MASK, DROP_P, 0, 1, new double[] {DROP_P}, x -> x < DROP_P ? 0 : 1 / (1 - DROP_P), null);
    row(UnaryOp.IDENTITY, 0, -3, 3, NO_KINKS, x -> x, x -> 1);
  }

  private UnaryCases() {}

  /** The row for {@code op}, or null when the table lacks one. */
  static UnaryCase of(UnaryOp op) {
    return TABLE.get(op);
  }

  private static void row(
      UnaryOp op, double alpha, double low, double high, double[] kinks, DoubleUnaryOperator f,
      DoubleUnaryOperator df) {
    TABLE.put(op, new UnaryCase(op, alpha, low, high, kinks, f, df));
  }

  private static double sigmoidDerivative(double x) {
    double e = Math.exp(-x);
    return e / ((1 + e) * (1 + e));
  }

  private static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  }

  /** d/dx of the tanh-form GELU, via sech² = 1/cosh². */
  private static double geluDerivative(double x) {
    double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
    double du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    return 0.5 * (1 + Math.tanh(u)) + 0.5 * x * du / (Math.cosh(u) * Math.cosh(u));
  }
}
