package io.jgrad.nn;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.Checkpoint;
import io.jgrad.DType;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;

/**
 * Batch normalisation of x [B, F] over the batch, per feature, as PyTorch's BatchNorm1d (affine, tracking running
 * statistics): y = (x − mean) / √(var + eps) · weight + bias.
 *
 * <p>Training normalises with the batch's mean and biased variance and updates running_mean and running_var with
 * momentum 0.1 (running = 0.9·running + 0.1·batch), the variance unbiased (·B/(B − 1)) as PyTorch does. Evaluation
 * normalises with the running statistics. A composite of tensor ops, so its backward comes from theirs.
 */
public final class BatchNorm1d extends Module {
  public static final double EPS = 1e-5;
  public static final double MOMENTUM = 0.1;

  private final int features;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor[] runningMean = new Tensor[1];
  private final Tensor[] runningVar = new Tensor[1];

  public BatchNorm1d(Backend backend, DType dtype, int features) {
    if (features <= 0) {
      throw new IllegalArgumentException("BatchNorm1d: features must be > 0, got " + features);
    }
    this.features = features;
    Shape shape = Shape.of(features);
    try (Scope ignored = Scope.detached()) {
      weight = registerParameter("weight", Tensor.full(backend, dtype, shape, 1));
      bias = registerParameter("bias", Tensor.zeros(backend, dtype, shape));
      runningMean[0] = Tensor.zeros(backend, dtype, shape);
      runningVar[0] = Tensor.full(backend, dtype, shape, 1);
    }
    registerBuffer("running_mean", runningMean);
    registerBuffer("running_var", runningVar);
  }

  /** [F]; replaced by {@link #to} and by loading a checkpoint, so read it again after either. */
  public Tensor runningMean() {
    return runningMean[0];
  }

  public Tensor runningVar() {
    return runningVar[0];
  }

  @Override
  protected String settings() {
    return features + ", eps=" + EPS + ", momentum=" + MOMENTUM;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() != 2 || x.dim(1) != features) {
      throw new IllegalArgumentException(
          "BatchNorm1d(" + features + "): input must be [batch, " + features + "], got " + x.shape());
    }
    x = Autocast.widen(x); // norms stay float32 under autocast
    Tensor centred;
    Tensor var;
    if (isTraining()) {
      if (x.dim(0) < 2) {
        throw new IllegalArgumentException(
            "BatchNorm1d: training needs more than 1 sample per batch, got " + x.shape());
      }
      Tensor mean = x.mean(0, false);
      centred = x.sub(mean);
      var = centred.mul(centred).mean(0, false);
      if (!Checkpoint.isRecomputing()) { // a checkpoint's replay must not count the batch twice
        updateRunningStatistics(mean, var, x.dim(0));
      }
    } else {
      centred = x.sub(runningMean[0]);
      var = runningVar[0];
    }
    return centred.div(var.add(EPS).sqrt()).mul(weight.value()).add(bias.value());
  }

  /** In place, so the buffers stay the same tensors; records nothing. */
  private void updateRunningStatistics(Tensor mean, Tensor var, int batch) {
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      blendInto(runningMean[0], mean);
      blendInto(runningVar[0], var.mul(batch / (batch - 1.0)));
    }
  }

  private static void blendInto(Tensor running, Tensor batchValue) {
    Tensor blended = running.mul(1 - MOMENTUM).add(batchValue.mul(MOMENTUM));
    running.backend().copy(buffer(blended), 0, buffer(running), 0, running.size());
  }
}
