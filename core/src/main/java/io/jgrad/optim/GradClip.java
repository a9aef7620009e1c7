package io.jgrad.optim;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.NoGrad;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.nn.Parameter;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** Gradient clipping, in place on the parameters' gradients, between backward and the optimizer step. */
public final class GradClip {
  /** Keeps the scale finite when every gradient is zero (PyTorch's value). */
  private static final double NORM_EPS = 1e-6;

  private GradClip() {}

  /**
   * If the global L2 norm of all gradients (as one vector) exceeds maxNorm, scales every gradient by maxNorm/(norm +
   * 1e-6), which keeps their direction. Returns the norm before clipping, a useful training signal. A NaN or infinite
   * norm is returned and nothing is scaled: the caller decides (the trainer skips such a step).
   */
  public static double byNorm(Collection<Parameter> params, double maxNorm) {
    return byNorm(params, maxNorm, globalNorm(params));
  }

  /** {@link #byNorm(Collection, double)} with the global norm already measured (the trainer's monitor has it). */
  public static double byNorm(Collection<Parameter> params, double maxNorm, double norm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("clip by norm: max norm must be > 0, got " + maxNorm);
    }
    if (norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / (norm + NORM_EPS);
      forEachGrad(params, g -> g.backend().unary(UnaryOp.MUL_SCALAR, scale, buffer(g), buffer(g)));
    }
    return norm;
  }

  /** Clamps every gradient element to [−limit, limit]. */
  public static void byValue(Collection<Parameter> params, double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("clip by value: limit must be > 0, got " + limit);
    }
    forEachGrad(params, g -> g.backend().unary(UnaryOp.CLAMP, limit, buffer(g), buffer(g)));
  }

  /** √(Σ over all gradients of Σ g²), from {@link #sumsOfSquares}: one read-back. */
  public static double globalNorm(Collection<Parameter> params) {
    List<Tensor> grads = params.stream().map(Parameter::grad).filter(Objects::nonNull).toList();
    double total = 0;
    for (double s : sumsOfSquares(grads)) {
      total += s;
    }
    return Math.sqrt(total);
  }

  /**
   * Σ g² of each gradient, gathered on the gradients' device and read back in one transfer: on a GPU, one
   * synchronisation rather than one per gradient. The gradients share a backend and dtype, as a model's do.
   */
  public static double[] sumsOfSquares(List<Tensor> grads) {
    if (grads.isEmpty()) {
      return new double[0];
    }
    Tensor first = grads.get(0);
    Backend backend = first.backend();
    try (NoGrad ignored = NoGrad.enter();
        Tensor sums = Tensor.empty(backend, first.dtype(), Shape.of(grads.size()))) {
      for (int i = 0; i < grads.size(); i++) {
        Tensor g = grads.get(i);
        try (Tensor sq = g.mul(g); Tensor s = sq.sum()) {
          backend.copy(buffer(s), 0, buffer(sums), i, 1);  // every slot is written: no fill needed
        }
      }
      return sums.toDoubleArray();
    }
  }

  private static void forEachGrad(Collection<Parameter> params, Consumer<Tensor> action) {
    for (Parameter p : params) {
      if (p.grad() != null) {
        action.accept(p.grad());
      }
    }
  }
}
