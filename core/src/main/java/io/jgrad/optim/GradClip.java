package io.jgrad.optim;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.autograd.NoGrad;
import io.jgrad.nn.Parameter;
import java.util.Collection;
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
      forEachGrad(params, g -> g.backend().unary(UnaryOp.MUL_SCALAR, scale, g.buffer(), g.buffer()));
    }
    return norm;
  }

  /** Clamps every gradient element to [−limit, limit]. */
  public static void byValue(Collection<Parameter> params, double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("clip by value: limit must be > 0, got " + limit);
    }
    forEachGrad(params, g -> g.backend().unary(UnaryOp.CLAMP, limit, g.buffer(), g.buffer()));
  }

  /** √(Σ over all gradients of Σ g²): the sum stays on the device and is read back once. */
  public static double globalNorm(Collection<Parameter> params) {
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      Tensor sumOfSquares = null;
      for (Parameter p : params) {
        Tensor g = p.grad();
        if (g != null) {
          Tensor s = g.mul(g).sum();
          sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
        }
      }
      return sumOfSquares == null ? 0 : Math.sqrt(sumOfSquares.item());
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
