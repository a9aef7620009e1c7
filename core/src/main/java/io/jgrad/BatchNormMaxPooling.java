package io.jgrad;

import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.Pool2dGeometry;

/**
 * Batch normalisation followed by 2-D max pooling, x [B, C, H, W] → y [B, C, OH, OW], as one node: {@link
 * BatchNormalization} then {@link MaxPooling}, without the normalised activation between them. A CNN block's
 * normalised output is four times its pooled output and was written, read back by the pooling, and met again in the
 * backward as the pooling's mostly-zero gradient; here the backend may normalise each window as it pools it and read
 * the pooled gradient where it lies. Saves x, gamma, the statistics and the INT32 position of each window's maximum.
 */
final class BatchNormMaxPooling extends Function {
  private final BatchNormStatistics statistics;
  private final double eps;
  private final Pool2dGeometry geometry;
  private Tensor x;
  private Tensor gamma;
  private Tensor mean;
  private Tensor var;
  private Tensor indices;

  private BatchNormMaxPooling(BatchNormStatistics statistics, double eps, Pool2dGeometry geometry) {
    this.statistics = statistics;
    this.eps = eps;
    this.geometry = geometry;
  }

  /** The arguments of {@link BatchNormalization#apply} and the pooling's window. */
  static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics, double momentum, double eps, Window2d window) {
    BatchNormalization.check(x, gamma, beta, runningMean, runningVar, statistics);
    Pool2dGeometry g = Pooling.geometry("batchNormMaxPool2d", x, window);
    Backend backend = x.backend();
    Tensor[] meanVar = BatchNormalization.statistics(x, runningMean, runningVar, statistics, momentum);
    Shape outShape = Shape.of(g.batch(), g.channels(), g.outHeight(), g.outWidth());
    Tensor y = Tensor.empty(backend, x.dtype(), outShape);
    Tensor indices = Tensor.empty(backend, DType.INT32, outShape);
    backend.batchNormMaxPool2d(g, x.buffer(), meanVar[0].buffer(), meanVar[1].buffer(), eps, gamma.buffer(),
        beta.buffer(), y.buffer(), indices.buffer());
    if (isRecording(x, gamma, beta)) {
      BatchNormMaxPooling f = new BatchNormMaxPooling(statistics, eps, g);
      f.connect(y, x, gamma, beta);
      f.x = f.save(x);
      f.gamma = f.save(gamma);
      f.mean = f.save(meanVar[0]);
      f.var = f.save(meanVar[1]);
      f.indices = f.save(indices);
    }
    if (statistics == BatchNormStatistics.BATCH) {
      meanVar[0].close();
      meanVar[1].close();
    }
    indices.close();
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    Backend backend = dy.backend();
    Tensor dx = Tensor.empty(backend, dy.dtype(), x.shape());
    Tensor dgamma = Tensor.empty(backend, dy.dtype(), gamma.shape());
    Tensor dbeta = Tensor.empty(backend, dy.dtype(), gamma.shape());
    backend.batchNormMaxPool2dBackward(statistics, geometry, x.buffer(), mean.buffer(), var.buffer(), eps,
        gamma.buffer(), indices.buffer(), dy.buffer(), dx.buffer(), dgamma.buffer(), dbeta.buffer());
    return new Tensor[] {BatchNormalization.keep(dx, needsGrad(0)), BatchNormalization.keep(dgamma, needsGrad(1)),
        BatchNormalization.keep(dbeta, needsGrad(2))};
  }
}
