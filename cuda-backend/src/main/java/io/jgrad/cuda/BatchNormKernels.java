package io.jgrad.cuda;

import io.jgrad.spi.BatchNormStatistics;

/**
 * Launchers of batchnorm.cu: per-channel statistics (with the running averages' update), the normalisation and its
 * backward, as Backend.batchNormStatistics, batchNorm and batchNormBackward define them. Shapes: x, y, dy, dx
 * [N, C, HW]; every per-channel buffer [C].
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

  /** runningMean and runningVar are both null (no update) or both given. */
  void stats(
      CudaBuffer x, int n, int channels, int hw, double momentum, CudaBuffer mean, CudaBuffer var,
      CudaBuffer runningMean, CudaBuffer runningVar) {
    checkDims("batchNormStatistics", x, n, channels, hw);
    Check.floats("batchNormStatistics", "mean", mean, channels);
    Check.floats("batchNormStatistics", "var", var, channels);
    Check.that((runningMean == null) == (runningVar == null), "batchNormStatistics",
        "runningMean and runningVar are given together or not at all");
    if (runningMean != null) {
      Check.floats("batchNormStatistics", "runningMean", runningMean, channels);
      Check.floats("batchNormStatistics", "runningVar", runningVar, channels);
    }
    stats.args().ptr(x.pointer()).i32(n).i32(channels).i32(hw).f64(momentum).ptr(mean.pointer()).ptr(var.pointer())
        .ptr(runningMean == null ? null : runningMean.pointer()).ptr(runningVar == null ? null : runningVar.pointer())
        .launch(Grid.blockPerChannel(channels));
  }

  /** y = (x − mean)/sqrt(var + eps)·gamma + beta; y may be x. */
  void forward(
      CudaBuffer x, CudaBuffer mean, CudaBuffer var, double eps, CudaBuffer gamma, CudaBuffer beta, CudaBuffer y,
      int n, int channels, int hw) {
    checkDims("batchNorm", x, n, channels, hw);
    Check.floats("batchNorm", "y", y, x.length());
    Check.floats("batchNorm", "mean", mean, channels);
    Check.floats("batchNorm", "var", var, channels);
    Check.floats("batchNorm", "gamma", gamma, channels);
    Check.floats("batchNorm", "beta", beta, channels);
    forward.args().ptr(x.pointer()).ptr(mean.pointer()).ptr(var.pointer()).f32(eps).ptr(gamma.pointer())
        .ptr(beta.pointer()).ptr(y.pointer()).i32(n).i32(channels).i32(hw).launch(Grid.elementwise(x.length()));
  }

  /** dx, dgamma and dbeta, written, not accumulated. */
  void backward(
      BatchNormStatistics statistics, CudaBuffer x, CudaBuffer dy, CudaBuffer mean, CudaBuffer var, double eps,
      CudaBuffer gamma, CudaBuffer dx, CudaBuffer dgamma, CudaBuffer dbeta, int n, int channels, int hw) {
    checkDims("batchNormBackward", x, n, channels, hw);
    Check.floats("batchNormBackward", "dy", dy, x.length());
    Check.floats("batchNormBackward", "dx", dx, x.length());
    Check.floats("batchNormBackward", "mean", mean, channels);
    Check.floats("batchNormBackward", "var", var, channels);
    Check.floats("batchNormBackward", "gamma", gamma, channels);
    Check.floats("batchNormBackward", "dgamma", dgamma, channels);
    Check.floats("batchNormBackward", "dbeta", dbeta, channels);
    backward.args().i32(statistics == BatchNormStatistics.BATCH ? 1 : 0).ptr(x.pointer()).ptr(dy.pointer())
        .ptr(mean.pointer()).ptr(var.pointer()).f32(eps).ptr(gamma.pointer()).ptr(dx.pointer()).ptr(dgamma.pointer())
        .ptr(dbeta.pointer()).i32(n).i32(channels).i32(hw).launch(Grid.blockPerChannel(channels));
  }

  private static void checkDims(String kernel, CudaBuffer x, int n, int channels, int hw) {
    Check.nonNegative(kernel, "batch", n);
    Check.nonNegative(kernel, "channels", channels);
    Check.nonNegative(kernel, "spatial", hw);
    Check.floats(kernel, "x", x, (long) n * channels * hw);
  }
}
