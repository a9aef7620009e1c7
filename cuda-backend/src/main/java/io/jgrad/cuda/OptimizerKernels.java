package io.jgrad.cuda;

/**
 * Launchers of optimizers.cu: fused in-place SGD and Adam/AdamW steps, each also writing the param's 16-bit copy
 * when given one (null otherwise). Shapes: every buffer [n].
 */
final class OptimizerKernels {
  private final Kernel sgd;
  private final Kernel adam;

  OptimizerKernels(CudaContext context) {
    sgd = context.kernel(PtxModule.OPTIMIZERS, "sgd_step");
    adam = context.kernel(PtxModule.OPTIMIZERS, "adam_step");
  }

  void sgd(
      CudaBuffer param, CudaBuffer copy, CudaBuffer grad, CudaBuffer velocity, double lr, double momentum,
      double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
    long n = param.length();
    Check.floats("sgdStep", "param", param, n);
    Storage copyType = copyType("sgdStep", copy, n);
    Check.floats("sgdStep", "grad", grad, n);
    Check.that((velocity == null) == (momentum == 0), "sgdStep", "velocity must be given exactly when momentum ≠ 0");
    if (velocity != null) {
      Check.floats("sgdStep", "velocity", velocity, n);
    }
    sgd.args().ptr(param.pointer()).i32(copyType.ordinal()).ptr(copy == null ? null : copy.pointer())
        .ptr(grad.pointer()).ptr(velocity == null ? null : velocity.pointer()).f64(lr).f64(momentum).f64(dampening)
        .f64(weightDecay).i32(nesterov ? 1 : 0).i32(firstStep ? 1 : 0).i64(n).launch(Grid.elementwise(n));
  }

  /** The bias corrections 1 − β^step are computed once here rather than per element. */
  void adam(
      CudaBuffer param, CudaBuffer copy, CudaBuffer grad, CudaBuffer m, CudaBuffer v, double lr, double beta1,
      double beta2, double eps, double weightDecay, boolean decoupled, long step) {
    long n = param.length();
    Check.that(step >= 1, "adamStep", "step is 1-based, got " + step);
    Check.floats("adamStep", "param", param, n);
    Storage copyType = copyType("adamStep", copy, n);
    Check.floats("adamStep", "grad", grad, n);
    Check.floats("adamStep", "m", m, n);
    Check.floats("adamStep", "v", v, n);
    adam.args().ptr(param.pointer()).i32(copyType.ordinal()).ptr(copy == null ? null : copy.pointer())
        .ptr(grad.pointer()).ptr(m.pointer()).ptr(v.pointer()).f64(lr).f64(beta1).f64(beta2).f64(eps).f64(weightDecay)
        .i32(decoupled ? 1 : 0).f64(1 - Math.pow(beta1, step)).f64(1 - Math.pow(beta2, step)).i64(n)
        .launch(Grid.elementwise(n));
  }

  /** The storage of the 16-bit copy (FLOAT32, ignored by the kernel, when there is none); checks its length. */
  private static Storage copyType(String kernel, CudaBuffer copy, long n) {
    if (copy == null) {
      return Storage.FLOAT32;
    }
    Storage s = Storage.of(kernel, "paramCopy", copy.dtype());
    Check.that(s.isHalf(), kernel, "paramCopy must be bfloat16 or float16, got " + copy.dtype().label());
    Check.typed(kernel, "paramCopy", copy, copy.dtype(), n);
    return s;
  }
}
