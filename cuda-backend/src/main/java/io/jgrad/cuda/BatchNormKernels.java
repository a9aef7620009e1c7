package io.jgrad.cuda;

/**
 * Launchers of batchnorm.cu: per-channel statistics (with the running averages' update), the normalisation and the
 * training-mode backward. Shapes: x, y, dy, dx [N, C, HW]; every per-channel buffer [C].
 */
final class BatchNormKernels {
  private final Kernel stats;
  private final Kernel forward;
  private final Kernel backward;

  BatchNormKernels(CudaContext context) {
    stats = context.kernel(PtxModule.BATCHNORM, "batchnorm_stats");
    forward = context.kernel(PtxModule.BATCHNORM, "batchnorm_forward");
    backward = context.kernel(PtxModule.BATCHNORM, "batchnorm_backward");
  }

  /**
   * mean and invstd = 1 / sqrt(var + eps) of the batch (biased variance); runningMean and runningVar (both null, or
   * both given) move by momentum towards the mean and the unbiased variance, which needs N·HW &gt; 1.
   */
  void stats(
      CudaBuffer x, int n, int channels, int hw, double eps, double momentum, CudaBuffer mean, CudaBuffer invstd,
      CudaBuffer runningMean, CudaBuffer runningVar) {
    checkDims("batchNormStats", n, channels, hw);
    Check.floats("batchNormStats", "x", x, (long) n * channels * hw);
    Check.floats("batchNormStats", "mean", mean, channels);
    Check.floats("batchNormStats", "invstd", invstd, channels);
    Check.that((runningMean == null) == (runningVar == null), "batchNormStats",
        "runningMean and runningVar are given together or not at all");
    if (runningMean != null) {
      Check.that((long) n * hw > 1, "batchNormStats",
          "the running variance needs more than one value per channel, got " + n + "×" + hw);
      Check.floats("batchNormStats", "runningMean", runningMean, channels);
      Check.floats("batchNormStats", "runningVar", runningVar, channels);
    }
    stats.launch(Grid.blockPerChannel(channels),
        new KernelArgs().ptr(x.pointer()).i32(n).i32(channels).i32(hw).f64(eps).f64(momentum).ptr(mean.pointer())
            .ptr(invstd.pointer()).ptr(runningMean == null ? null : runningMean.pointer())
            .ptr(runningVar == null ? null : runningVar.pointer()));
  }

  /** y = (x − mean)·invstd·gamma + beta; gamma and beta both null without affine parameters. */
  void forward(
      CudaBuffer x, CudaBuffer mean, CudaBuffer invstd, CudaBuffer gamma, CudaBuffer beta, CudaBuffer y, int n,
      int channels, int hw) {
    checkDims("batchNorm", n, channels, hw);
    long size = (long) n * channels * hw;
    Check.floats("batchNorm", "x", x, size);
    Check.floats("batchNorm", "y", y, size);
    Check.floats("batchNorm", "mean", mean, channels);
    Check.floats("batchNorm", "invstd", invstd, channels);
    checkAffine("batchNorm", gamma, beta, channels);
    forward.launch(Grid.elementwise(size),
        new KernelArgs().ptr(x.pointer()).ptr(mean.pointer()).ptr(invstd.pointer())
            .ptr(gamma == null ? null : gamma.pointer()).ptr(beta == null ? null : beta.pointer()).ptr(y.pointer())
            .i32(n).i32(channels).i32(hw));
  }

  /** dx, and dgamma and dbeta (both null without affine parameters), written, not accumulated. */
  void backward(
      CudaBuffer x, CudaBuffer dy, CudaBuffer mean, CudaBuffer invstd, CudaBuffer gamma, CudaBuffer dx,
      CudaBuffer dgamma, CudaBuffer dbeta, int n, int channels, int hw) {
    checkDims("batchNormBackward", n, channels, hw);
    long size = (long) n * channels * hw;
    Check.floats("batchNormBackward", "x", x, size);
    Check.floats("batchNormBackward", "dy", dy, size);
    Check.floats("batchNormBackward", "dx", dx, size);
    Check.floats("batchNormBackward", "mean", mean, channels);
    Check.floats("batchNormBackward", "invstd", invstd, channels);
    if (gamma != null) {
      Check.floats("batchNormBackward", "gamma", gamma, channels);
    }
    checkAffine("batchNormBackward", dgamma, dbeta, channels);
    backward.launch(Grid.blockPerChannel(channels),
        new KernelArgs().ptr(x.pointer()).ptr(dy.pointer()).ptr(mean.pointer()).ptr(invstd.pointer())
            .ptr(gamma == null ? null : gamma.pointer()).ptr(dx.pointer())
            .ptr(dgamma == null ? null : dgamma.pointer()).ptr(dbeta == null ? null : dbeta.pointer())
            .i32(n).i32(channels).i32(hw));
  }

  private static void checkDims(String kernel, int n, int channels, int hw) {
    Check.nonNegative(kernel, "n", n);
    Check.nonNegative(kernel, "channels", channels);
    Check.nonNegative(kernel, "hw", hw);
  }

  private static void checkAffine(String kernel, CudaBuffer scale, CudaBuffer shift, int channels) {
    Check.that((scale == null) == (shift == null), kernel, "the affine pair is given together or not at all");
    if (scale != null) {
      Check.floats(kernel, "scale", scale, channels);
      Check.floats(kernel, "shift", shift, channels);
    }
  }
}
