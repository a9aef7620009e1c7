package io.jgrad.check;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import java.util.function.Function;

/**
 * Compares analytical gradients (backward) with central differences in float64. A function with a non-scalar output
 * is reduced to L = Σ f(x)·R with a fixed random R, which checks every output's gradient path at once. The difference
 * is taken output by output before the sum, Σ R·(f(x + h) − f(x − h)): outputs that a step leaves unchanged then add
 * nothing, where the difference of the two sums carried their rounding (about ε·|L|/h, 1e-8 for an L near 100:
 * a relative 1e-6 of a gradient of 0.01).
 *
 * <p>Error measure, per element: |analytic − numeric| / max(|analytic|, |numeric|, {@value #SCALE_FLOOR}): relative
 * for ordinary gradients, absolute for ones close to zero (where a relative error means nothing).
 */
public final class GradCheck {
  /** Step of the central difference: its truncation error is O(h²) ≈ 1e-12, its rounding error O(ε/h) ≈ 1e-10. */
  public static final double STEP = 1e-6;

  /** Below this magnitude, errors are measured absolutely. */
  public static final double SCALE_FLOOR = 1e-3;

  /** The bound every op meets in float64. */
  public static final double TOLERANCE = 1e-6;

  /**
   * The worst disagreement found.
   *
   * @param error the error measure at the worst element
   * @param input which input
   * @param index which element of it (row-major)
   */
  public record Result(double error, int input, int index, double analytic, double numeric) {
    public boolean passed(double tolerance) {
      return error <= tolerance;
    }

    @Override
    public String toString() {
      return String.format(
          "worst error %.3g at input %d element %d: analytic %.10g, numeric %.10g", error, input, index, analytic,
          numeric);
    }
  }

  private GradCheck() {}

  /**
   * @param f the function under test; it must be deterministic
   * @param inputs FLOAT64 leaves; each gets {@code requiresGrad(true)}. Their values are restored afterwards.
   */
  public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    for (Tensor t : inputs) {
      if (t.dtype() != DType.FLOAT64) {
        throw new IllegalArgumentException("GradCheck needs float64 inputs, got " + t.dtype().label() + " "
            + t.shape());
      }
      t.requiresGrad(true);
      t.setGrad(null);
    }
    try (Scope scope = Scope.open()) {
      Tensor out = f.apply(inputs);
      Tensor projection = Tensor.rand(out.backend(), DType.FLOAT64, out.shape(), new Generator(12345), 0.5, 1.5);
      out.mul(projection).sum().backward();
      double[][] analytic = new double[inputs.length][];
      for (int i = 0; i < inputs.length; i++) {
        Tensor g = inputs[i].grad();
        analytic[i] = g == null ? new double[Math.toIntExact(inputs[i].size())] : g.toDoubleArray();
      }
      Result worst = new Result(0, 0, 0, 0, 0);
      double[] r = projection.toDoubleArray();
      try (NoGrad ignored = NoGrad.enter()) {
        for (int i = 0; i < inputs.length; i++) {
          double[] x = inputs[i].toDoubleArray();
          for (int j = 0; j < x.length; j++) {
            double saved = x[j];
            x[j] = saved + STEP;
            double[] plus = outputs(f, inputs, i, x);
            x[j] = saved - STEP;
            double[] minus = outputs(f, inputs, i, x);
            x[j] = saved;
            inputs[i].backend().upload(buffer(inputs[i]), x);
            double numeric = 0;
            for (int k = 0; k < r.length; k++) {
              numeric += r[k] * (plus[k] - minus[k]);
            }
            numeric /= 2 * STEP;
            double a = analytic[i][j];
            double err = Math.abs(a - numeric) / Math.max(SCALE_FLOOR, Math.max(Math.abs(a), Math.abs(numeric)));
            if (Double.isNaN(err) ? !Double.isNaN(worst.error()) : err > worst.error()) { // NaN is the worst
              worst = new Result(err, i, j, a, numeric);
            }
          }
        }
      }
      return worst;
    }
  }

  /** f's outputs with input i set to x. */
  private static double[] outputs(Function<Tensor[], Tensor> f, Tensor[] inputs, int i, double[] x) {
    inputs[i].backend().upload(buffer(inputs[i]), x);
    try (Scope ignored = Scope.open()) {
      return f.apply(inputs).toDoubleArray();
    }
  }
}
