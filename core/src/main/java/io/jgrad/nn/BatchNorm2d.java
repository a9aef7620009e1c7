package io.jgrad.nn;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.Checkpoint;
import io.jgrad.DType;
import io.jgrad.Functional;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.Window2d;
import io.jgrad.spi.BatchNormStatistics;

/**
 * Batch normalisation of x [B, C, H, W] per channel, as PyTorch's nn.BatchNorm2d (affine, tracking running
 * statistics, eps 1e-5, momentum 0.1), with its state-dict names: weight, bias, running_mean, running_var and
 * num_batches_tracked. Training normalises with the batch's statistics and moves the running ones towards them
 * (running = 0.9·running + 0.1·batch, the variance unbiased); evaluation normalises with the running ones.
 *
 * <p>num_batches_tracked is a scalar of the model's float dtype, not PyTorch's int64, so that each training step
 * counts on the device without waiting for it (exact up to 2²⁴ batches in float32); PyTorch's load_state_dict
 * converts it, and loading a PyTorch file converts its int64.
 */
public final class BatchNorm2d extends Module {
  public static final double EPS = 1e-5;
  public static final double MOMENTUM = 0.1;

  private final int channels;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor[] runningMean = new Tensor[1];
  private final Tensor[] runningVar = new Tensor[1];
  private final Tensor[] batchesTracked = new Tensor[1];

  public BatchNorm2d(Backend backend, DType dtype, int channels) {
    if (channels <= 0) {
      throw new IllegalArgumentException("BatchNorm2d: channels must be > 0, got " + channels);
    }
    this.channels = channels;
    Shape shape = Shape.of(channels);
    try (Scope ignored = Scope.detached()) {
      weight = registerParameter("weight", Tensor.full(backend, dtype, shape, 1));
      bias = registerParameter("bias", Tensor.zeros(backend, dtype, shape));
      runningMean[0] = Tensor.zeros(backend, dtype, shape);
      runningVar[0] = Tensor.full(backend, dtype, shape, 1);
      batchesTracked[0] = Tensor.zeros(backend, dtype, Shape.of());
    }
    registerBuffer("running_mean", runningMean);
    registerBuffer("running_var", runningVar);
    registerBuffer("num_batches_tracked", batchesTracked);
  }

  public int channels() {
    return channels;
  }

  /** [C]; replaced by {@link #to} and by loading a checkpoint, so read it again after either. */
  public Tensor runningMean() {
    return runningMean[0];
  }

  public Tensor runningVar() {
    return runningVar[0];
  }

  /** The number of training batches seen, as PyTorch's num_batches_tracked. */
  public long batchesTracked() {
    return Math.round(batchesTracked[0].item());
  }

  @Override
  protected String settings() {
    return channels + ", eps=" + EPS + ", momentum=" + MOMENTUM;
  }

  @Override
  public Tensor forward(Tensor x) {
    return forward(x, null);
  }

  /**
   * This layer and then max pooling over {@code pool} (when not null) as one op ({@link
   * Functional#batchNormMaxPool2d}): {@link Sequential} runs a BatchNorm2d followed by a MaxPool2d through it.
   */
  Tensor forward(Tensor x, Window2d pool) {
    return normalise(x, (gamma, beta, mean, var, statistics) -> pool == null
        ? Functional.batchNorm(x, gamma, beta, mean, var, statistics, MOMENTUM, EPS)
        : Functional.batchNormMaxPool2d(x, gamma, beta, mean, var, statistics, MOMENTUM, EPS, pool));
  }

  /**
   * ReLU(this layer's output + residual) (residual null: ReLU(output)) as one op ({@link Functional#batchNormRelu}):
   * {@link BasicBlock}'s batch norms with the ReLU and the shortcut's sum after them.
   */
  Tensor forwardRelu(Tensor x, Tensor residual) {
    return normalise(x, (gamma, beta, mean, var, statistics) ->
        Functional.batchNormRelu(x, gamma, beta, mean, var, statistics, MOMENTUM, EPS, residual));
  }

  /** One of the ops above, given this layer's parameters, the running estimates to move (or null) and the mode. */
  private interface Normalisation {
    Tensor apply(Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, BatchNormStatistics statistics);
  }

  private Tensor normalise(Tensor x, Normalisation op) {
    if (x.rank() != 4 || x.dim(1) != channels) {
      throw new IllegalArgumentException(
          "BatchNorm2d(" + channels + "): input must be [B, " + channels + ", H, W], got " + x.shape());
    }
    BatchNormStatistics statistics = isTraining() ? BatchNormStatistics.BATCH : BatchNormStatistics.RUNNING;
    // A checkpoint's replay must not count the batch twice nor move the running estimates again.
    boolean update = statistics == BatchNormStatistics.BATCH && !Checkpoint.isRecomputing();
    if (update) {
      Tensor count = batchesTracked[0];
      count.backend().unary(UnaryOp.ADD_SCALAR, 1, buffer(count), buffer(count));
    }
    boolean running = statistics == BatchNormStatistics.RUNNING || update;
    return op.apply(weight.value(), bias.value(), running ? runningMean[0] : null, running ? runningVar[0] : null,
        statistics);
  }
}
