package io.jgrad;

import io.jgrad.spi.BatchNormStatistics;

/**
 * ReLU(batch norm of x + residual), x and the residual [B, C, …] alike, the residual optional, as one node: a residual
 * block's {@link BatchNormalization}, its shortcut's {@link Add} and the ReLU after it, without the normalised
 * activation or the sum in memory. Run apart, the sum is written and read back by the ReLU, and the backward runs the
 * ReLU's mask, copies the gradient the sum hands to both its inputs and reads it back in the batch norm's; here the
 * backend may run the forward in one pass and the backward in two. Saves x, gamma, the statistics and y (the mask,
 * and the next layer's input anyway).
 */
final class BatchNormRelu extends Function {
  private final BatchNormStatistics statistics;
  private final double eps;
  private Tensor x;
  private Tensor gamma;
  private Tensor mean;
  private Tensor var;
  private Tensor y;

  private BatchNormRelu(BatchNormStatistics statistics, double eps) {
    this.statistics = statistics;
    this.eps = eps;
  }

  /** The arguments of {@link BatchNormalization#apply} and the residual (null: none). */
  static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics, double momentum, double eps, Tensor residual) {
    BatchNormalization.check(x, gamma, beta, runningMean, runningVar, statistics);
    if (residual != null && (!residual.shape().equals(x.shape()) || residual.dtype() != x.dtype()
        || residual.backend() != x.backend())) {
      throw new IllegalArgumentException("batchNormRelu: residual " + residual.shape() + " "
          + residual.dtype().label() + " must match the input, " + x.shape() + " " + x.dtype().label()
          + " on the same backend");
    }
    int batch = x.dim(0);
    int channels = x.dim(1);
    int spatial = BatchNormalization.spatial(x);
    Backend backend = x.backend();
    Tensor[] meanVar = BatchNormalization.statistics(x, runningMean, runningVar, statistics, momentum);
    Tensor y = Tensor.empty(backend, x.dtype(), x.shape());
    backend.batchNormRelu(x.buffer(), batch, channels, spatial, meanVar[0].buffer(), meanVar[1].buffer(), eps,
        gamma.buffer(), beta.buffer(), residual == null ? null : residual.buffer(), y.buffer());
    if (isRecording(x, gamma, beta, residual)) {
      BatchNormRelu f = new BatchNormRelu(statistics, eps);
      if (residual == null) {
        f.connect(y, x, gamma, beta);
      } else {
        f.connect(y, x, gamma, beta, residual);
      }
      f.x = f.save(x);
      f.gamma = f.save(gamma);
      f.mean = f.save(meanVar[0]);
      f.var = f.save(meanVar[1]);
      f.y = f.save(y);
    }
    if (statistics == BatchNormStatistics.BATCH) {
      meanVar[0].close();
      meanVar[1].close();
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    int batch = x.dim(0);
    int channels = x.dim(1);
    int spatial = BatchNormalization.spatial(x);
    Backend backend = dy.backend();
    Tensor dz = Tensor.empty(backend, dy.dtype(), x.shape());
    Tensor dx = Tensor.empty(backend, dy.dtype(), x.shape());
    Tensor dgamma = Tensor.empty(backend, dy.dtype(), gamma.shape());
    Tensor dbeta = Tensor.empty(backend, dy.dtype(), gamma.shape());
    backend.batchNormReluBackward(statistics, x.buffer(), batch, channels, spatial, mean.buffer(), var.buffer(), eps,
        gamma.buffer(), y.buffer(), dy.buffer(), dz.buffer(), dx.buffer(), dgamma.buffer(), dbeta.buffer());
    Tensor[] grads = new Tensor[inputs().length];
    grads[0] = BatchNormalization.keep(dx, needsGrad(0));
    grads[1] = BatchNormalization.keep(dgamma, needsGrad(1));
    grads[2] = BatchNormalization.keep(dbeta, needsGrad(2));
    if (grads.length == 4) { // the residual, whose gradient is dz
      grads[3] = BatchNormalization.keep(dz, needsGrad(3));
    } else {
      dz.close();
    }
    return grads;
  }
}
