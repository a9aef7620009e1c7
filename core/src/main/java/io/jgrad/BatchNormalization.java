package io.jgrad;

import io.jgrad.spi.BatchNormStatistics;

/**
 * Batch normalisation per channel of x [B, C, …] (S = the product of the trailing axes, 1 for [B, C]), as PyTorch's
 * batch_norm: y = (x − mean)/sqrt(var + eps)·gamma + beta. With BATCH statistics (training) mean and var are the
 * batch's (the variance biased), and the running estimates, when given, move towards them by {@code momentum}
 * (PyTorch's convention: running = (1 − momentum)·running + momentum·batch, the variance unbiased); with RUNNING
 * statistics (evaluation) the running estimates normalise. Saves x, gamma and the statistics used: the backward
 * kernel recomputes x̂ from them instead of keeping a second activation-sized tensor.
 */
final class BatchNormalization extends Function {
  private final BatchNormStatistics statistics;
  private final double eps;
  private Tensor x;
  private Tensor gamma;
  private Tensor mean;
  private Tensor var;

  private BatchNormalization(BatchNormStatistics statistics, double eps) {
    this.statistics = statistics;
    this.eps = eps;
  }

  /**
   * @param runningMean [C], updated in place with BATCH statistics; may be null (then runningVar too) to leave it be
   *     (a checkpoint's replay) — but RUNNING statistics need both
   */
  static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics, double momentum, double eps) {
    check(x, gamma, beta, runningMean, runningVar, statistics);
    int batch = x.dim(0);
    int channels = x.dim(1);
    int spatial = spatial(x);
    Backend backend = x.backend();
    Tensor[] meanVar = statistics(x, runningMean, runningVar, statistics, momentum);
    Tensor mean = meanVar[0];
    Tensor var = meanVar[1];
    Tensor y = Tensor.empty(backend, x.dtype(), x.shape());
    backend.batchNorm(x.buffer(), batch, channels, spatial, mean.buffer(), var.buffer(), eps, gamma.buffer(),
        beta.buffer(), y.buffer());
    if (isRecording(x, gamma, beta)) {
      BatchNormalization f = new BatchNormalization(statistics, eps);
      f.connect(y, x, gamma, beta);
      f.x = f.save(x);
      f.gamma = f.save(gamma);
      f.mean = f.save(mean);
      f.var = f.save(var);
    }
    if (statistics == BatchNormStatistics.BATCH) {
      mean.close();
      var.close();
    }
    return y;
  }

  /**
   * The mean and variance to normalise x [B, C, …] with: the batch's, computed here (the running estimates, when
   * given, moved towards them), to be closed by the caller; or the running estimates themselves.
   */
  static Tensor[] statistics(Tensor x, Tensor runningMean, Tensor runningVar, BatchNormStatistics statistics,
      double momentum) {
    if (statistics == BatchNormStatistics.RUNNING) {
      return new Tensor[] {runningMean, runningVar};
    }
    int batch = x.dim(0);
    int channels = x.dim(1);
    Backend backend = x.backend();
    Tensor mean = Tensor.empty(backend, x.dtype(), Shape.of(channels));
    Tensor var = Tensor.empty(backend, x.dtype(), Shape.of(channels));
    backend.batchNormStatistics(x.buffer(), batch, channels, spatial(x),
        mean.buffer(), var.buffer(), momentum, runningMean == null ? null : runningMean.buffer(),
        runningVar == null ? null : runningVar.buffer());
    return new Tensor[] {mean, var};
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    int batch = x.dim(0);
    int channels = x.dim(1);
    int spatial = spatial(x);
    Backend backend = dy.backend();
    Tensor dx = Tensor.empty(backend, dy.dtype(), x.shape());
    Tensor dgamma = Tensor.empty(backend, dy.dtype(), gamma.shape());
    Tensor dbeta = Tensor.empty(backend, dy.dtype(), gamma.shape());
    backend.batchNormBackward(statistics, x.buffer(), batch, channels, spatial, mean.buffer(), var.buffer(), eps,
        gamma.buffer(), dy.buffer(), dx.buffer(), dgamma.buffer(), dbeta.buffer());
    return new Tensor[] {keep(dx, needsGrad(0)), keep(dgamma, needsGrad(1)), keep(dbeta, needsGrad(2))};
  }

  /** S of x [B, C, …]: the product of its trailing axes (1 for [B, C]). */
  static int spatial(Tensor x) {
    return (int) (x.size() / ((long) x.dim(0) * x.dim(1)));
  }

  /** The kernel writes every gradient; one that no input needs is freed at once. */
  static Tensor keep(Tensor gradient, boolean needed) {
    if (!needed) {
      gradient.close();
      return null;
    }
    return gradient;
  }

  static void check(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics) {
    if (x.rank() < 2) {
      throw new IllegalArgumentException("batchNorm: input " + x.shape() + " must be [B, C, ...]");
    }
    Shape perChannel = Shape.of(x.dim(1));
    for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar}) {
      if (t != null && !t.shape().equals(perChannel)) {
        throw new IllegalArgumentException("batchNorm: input " + x.shape() + " has " + x.dim(1)
            + " channels but a per-channel tensor is " + t.shape());
      }
      if (t != null && t.dtype() != x.dtype()) {
        throw new IllegalArgumentException(
            "batchNorm: input is " + x.dtype().label() + " but a per-channel tensor is " + t.dtype().label());
      }
    }
    if (gamma == null || beta == null || (runningMean == null) != (runningVar == null)) {
      throw new IllegalArgumentException("batchNorm: gamma and beta are required, and the running mean and variance "
          + "are given together or not at all");
    }
    if (statistics == BatchNormStatistics.RUNNING && runningMean == null) {
      throw new IllegalArgumentException("batchNorm: RUNNING statistics need the running mean and variance");
    }
    if (statistics == BatchNormStatistics.BATCH && x.size() / x.dim(1) < 2) {
      throw new IllegalArgumentException(
          "batchNorm: training needs more than one value per channel, got input " + x.shape());
    }
  }
}
