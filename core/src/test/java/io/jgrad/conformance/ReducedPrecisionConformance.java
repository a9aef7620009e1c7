package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.Backend;
import io.jgrad.DType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the 16-bit families of the conformance suite: every kernel the {@link Backend} contract opens to BFLOAT16
 * and FLOAT16 against the float64 reference, on inputs that are exact 16-bit values, at odd sizes, outputs poisoned
 * with NaN ({@link ReducedPrecisionMemoryConformance}: memory, cast, GEMM with a float32 or 16-bit C; {@link
 * ReducedPrecisionElementwiseConformance}: unary and its backward, binary, bias+activation, reductions, random).
 * Dtypes the backend does not {@link Backend#supports support} skip.
 *
 * <p>Tolerances (see {@link #slack}): a 16-bit result is rounded once, so it may be off by the unit roundoff u
 * (2⁻⁸ for bfloat16, 2⁻¹¹ for float16) of its value, plus the float32 math before it (2e-5 relative). Sums are
 * held to float32's 3e-5·Σ|terms| plus that one rounding: a kernel that accumulated in 16 bits fails the long ones.
 */
public abstract class ReducedPrecisionConformance extends KernelConformance {
  /** Float32 math before the final rounding: transcendental functions a few ulps off, sums reordered. */
  static final double FLOAT32_REL = 2e-5;
  static final double FLOAT32_SUM_REL = 3e-5;
  static final double ABS = 1e-6;

  protected ReducedPrecisionConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
  @interface Each16BitType {}

  // ---- tolerances ----

  /** The unit roundoff of a result stored in {@code dtype}: half its spacing, relative. */
  static double unit(DType dtype) {
    return switch (dtype) {
      case BFLOAT16 -> 0x1p-8;
      case FLOAT16 -> 0x1p-11;
      case FLOAT32 -> 0x1p-24;
      default -> 0;
    };
  }

  /** Element-wise slack: ABS + (u + float32 math)·|expected| for a result computed in float32 and rounded once. */
  static double slack(DType dtype, double expected) {
    return ABS + (unit(dtype) + FLOAT32_REL) * Math.abs(expected);
  }

  static void check(String what, int i, double expected, double actual, double slack) {
    boolean ok =
        Double.isNaN(expected) ? Double.isNaN(actual) : expected == actual || Math.abs(actual - expected) <= slack;
    if (!ok) {
      fail(what + ": element " + i + " is " + actual + ", expected " + expected + " (slack " + slack + ")");
    }
  }
}
