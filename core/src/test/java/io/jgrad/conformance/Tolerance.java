package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.DType;

/**
 * How close a backend's result must be to the float64 reference, per dtype: an element passes when |actual − expected|
 * ≤ abs + rel·|expected|. Sums (GEMM, reductions, bias gradients) are held to {@code sumRel} times the sum of the
 * absolute values of their terms instead, the standard bound for a reordered accumulation.
 */
public record Tolerance(Bound float32, Bound float64) {

  /**
   * @param abs absolute slack, for results near zero
   * @param rel relative slack of an element-wise result (float32 SIMD math may differ from Math.* by a few ulps)
   * @param sumRel slack relative to Σ|terms| of a sum (blocked or parallel sums add in another order)
   */
  public record Bound(double abs, double rel, double sumRel) {}

  /** Float32 kernels may compute in float; float64 ones must be nearly exact. */
  public static final Tolerance DEFAULT = new Tolerance(new Bound(1e-6, 1e-5, 3e-5), new Bound(1e-12, 1e-12, 1e-12));

  public Bound of(DType dtype) {
    return dtype == DType.FLOAT64 ? float64 : float32;
  }

  /** Element-wise comparison; NaN passes only where NaN is expected. */
  public void assertClose(DType dtype, String what, double[] expected, double[] actual) {
    Bound b = of(dtype);
    for (int i = 0; i < expected.length; i++) {
      check(what, i, expected[i], actual[i], b.abs + b.rel * Math.abs(expected[i]));
    }
  }

  /** Comparison of sums: element i may differ by abs + sumRel·magnitude[i], magnitude being Σ|terms|. */
  public void assertSumsClose(DType dtype, String what, double[] expected, double[] magnitude, double[] actual) {
    Bound b = of(dtype);
    for (int i = 0; i < expected.length; i++) {
      check(what, i, expected[i], actual[i], b.abs + b.sumRel * magnitude[i]);
    }
  }

  private static void check(String what, int i, double expected, double actual, double slack) {
    boolean ok =
        Double.isNaN(expected) ? Double.isNaN(actual) : expected == actual || Math.abs(actual - expected) <= slack;
    if (!ok) {
      fail(what + ": element " + i + " is " + actual + ", expected " + expected + " (slack " + slack + ")");
    }
  }
}
