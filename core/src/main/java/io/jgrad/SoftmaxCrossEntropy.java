package io.jgrad;

/**
 * Per-row cross-entropy of logits R×C against INT32 labels R, with optional label smoothing, fused into one stable
 * kernel (max-subtracted, so logits of ±1e4 are fine). Returns the R losses; callers take the mean or sum. Saves the
 * softmax probabilities and the labels: the gradient is dloss·(p − t).
 */
final class SoftmaxCrossEntropy extends Function {
  private final double smoothing;
  private Tensor probs;
  private Tensor labels;

  private SoftmaxCrossEntropy(double smoothing) {
    this.smoothing = smoothing;
  }

  static Tensor apply(Tensor logits, Tensor labels, double smoothing) {
    if (logits.dtype().isReduced()) { // the loss stays float32 (autocast): its kernel takes no 16-bit logits
      try (Tensor wide = Autocast.widen(logits)) {
        return apply(wide, labels, smoothing);
      }
    }
    if (logits.rank() != 2) {
      throw new IllegalArgumentException("cross_entropy: logits must be 2-D [batch, classes], got " + logits.shape());
    }
    if (labels.dtype() != DType.INT32 || labels.rank() != 1 || labels.dim(0) != logits.dim(0)) {
      throw new IllegalArgumentException(
          "cross_entropy: labels must be int32 [" + logits.dim(0) + "] for logits " + logits.shape() + ", got "
              + labels.dtype().label() + " " + labels.shape());
    }
    if (labels.backend() != logits.backend()) {
      throw new IllegalArgumentException("cross_entropy: logits and labels are on different backends");
    }
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException("cross_entropy: label smoothing must be in [0, 1), got " + smoothing);
    }
    int rows = logits.dim(0);
    int cols = logits.dim(1);
    Tensor probs = Tensor.empty(logits.backend(), logits.dtype(), logits.shape());
    Tensor loss = Tensor.empty(logits.backend(), logits.dtype(), Shape.of(rows));
    try (probs) {
      logits.backend().softmaxCrossEntropy(
          logits.buffer(), labels.buffer(), rows, cols, smoothing, probs.buffer(), loss.buffer());
      if (isRecording(logits)) {
        SoftmaxCrossEntropy f = new SoftmaxCrossEntropy(smoothing);
        f.probs = f.save(probs);
        f.labels = f.save(labels);
        f.connect(loss, logits, labels);
      }
    }
    return loss;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    int rows = probs.dim(0);
    int cols = probs.dim(1);
    Tensor dlogits = Tensor.empty(probs.backend(), probs.dtype(), probs.shape());
    probs.backend().softmaxCrossEntropyBackward(
        probs.buffer(), labels.buffer(), g.buffer(), rows, cols, smoothing, dlogits.buffer());
    return new Tensor[] {dlogits, null};
  }

  @Override
  public String name() {
    return "cross_entropy";
  }
}
