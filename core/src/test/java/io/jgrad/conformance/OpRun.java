package io.jgrad.conformance;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One row of the op table run on one backend: the forward output, and each input's (then each parameter's) gradient
 * of L = Σ out·R for a fixed R, which reaches every output's gradient path at once (as GradCheck does).
 *
 * @param grads null where an input gets no gradient
 */
public record OpRun(double[] output, double[][] grads) {

  /** Runs {@code c} in {@code dtype} on inputs holding the values of {@code valuesOf} (FLOAT32: rounded to float). */
  public static OpRun of(OpCase c, Backend backend, DType dtype, DType valuesOf) {
    try (Scope ignored = Scope.open();
        OpCase.Instance instance = c.subject().build(backend, dtype, new Generator(c.seed()))) {
      List<Tensor> inputs = new ArrayList<>(List.of(c.inputs(backend, dtype, valuesOf)));
      inputs.forEach(t -> t.requiresGrad(c.differentiable()));
      inputs.addAll(instance.parameters());
      Tensor out = instance.f().apply(inputs.toArray(Tensor[]::new));
        double[][] grads = new double[inputs.size()][];
        if (c.differentiable()) {
          out.mul(projection(backend, dtype, valuesOf, out)).sum().backward();
          for (int i = 0; i < grads.length; i++) {
            Tensor g = inputs.get(i).grad();
            grads[i] = g == null ? null : g.toDoubleArray();
            inputs.get(i).setGrad(null);
          }
        }
        return new OpRun(out.toDoubleArray(), grads);
    }
  }

  /** R: uniform in [0.5, 1.5), the same values on every backend. */
  private static Tensor projection(Backend backend, DType dtype, DType valuesOf, Tensor out) {
    Random rng = new Random(12345);
    double[] r = new double[Math.toIntExact(out.size())];
    for (int i = 0; i < r.length; i++) {
      r[i] = 0.5 + rng.nextDouble();
    }
    return OpCase.tensor(backend, dtype, OpCase.round(valuesOf, r), out.shape().dims());
  }
}
