package io.jgrad;

import io.jgrad.spi.BatchNormStatistics;

/**
 * The ops that are not tensor methods, as functions of their tensors and options: what {@code io.jgrad.nn}'s layers
 * and the losses are built from, and what a model written without modules calls (PyTorch's {@code
 * torch.nn.functional}). Each records itself for backward like a tensor method; shapes use NCHW (B = batch, C =
 * channels, O = output channels).
 */
public final class Functional {
  private Functional() {}

  /** y = op(x; alpha) element-wise: an activation chosen by value ({@code io.jgrad.nn.Activation}'s op). */
  public static Tensor unary(UnaryOp op, double alpha, Tensor x) {
    return Unary.apply(op, alpha, x);
  }

  /** 2-D convolution of x [B, C, H, W] with weight [O, C/groups, KH, KW] and an optional bias [O] (null: none). */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options) {
    return Convolution.apply(x, weight, bias, options);
  }

  /** Max pooling of x [B, C, H, W] over {@code window} (padding ignored, floor rounding). */
  public static Tensor maxPool2d(Tensor x, Window2d window) {
    return MaxPooling.apply(x, window);
  }

  /** Average pooling of x [B, C, H, W] over {@code window}, padding counted as zeros (count_include_pad). */
  public static Tensor avgPool2d(Tensor x, Window2d window) {
    return AveragePooling.apply(x, window);
  }

  /** The mean of each channel, [B, C, H, W] → [B, C, 1, 1] (AdaptiveAvgPool2d(1)). */
  public static Tensor globalAvgPool2d(Tensor x) {
    return GlobalAveragePooling.apply(x);
  }

  /**
   * Batch normalisation per channel of x [B, C, …]: (x − mean)/sqrt(var + eps)·gamma + beta, with the batch's
   * statistics (which move the running estimates, when given, by {@code momentum}) or the running ones.
   */
  public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics, double momentum, double eps) {
    return BatchNormalization.apply(x, gamma, beta, runningMean, runningVar, statistics, momentum, eps);
  }

  /**
   * maxPool2d(batchNorm(x, …), window) as one op (what nn.Sequential runs for a BatchNorm2d followed by a MaxPool2d):
   * the same values, the normalised activations never held in memory.
   */
  public static Tensor batchNormMaxPool2d(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, BatchNormStatistics statistics, double momentum, double eps, Window2d window) {
    return BatchNormMaxPooling.apply(x, gamma, beta, runningMean, runningVar, statistics, momentum, eps, window);
  }

  /**
   * relu(batchNorm(x, …) + residual) as one op (residual null: relu(batchNorm(x, …))), residual of x's shape and
   * dtype: a residual block's batch norm, shortcut sum and ReLU ({@code io.jgrad.nn.BasicBlock}'s), the same values
   * and gradients without the normalised activation or the sum in memory.
   */
  public static Tensor batchNormRelu(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
      BatchNormStatistics statistics, double momentum, double eps, Tensor residual) {
    return BatchNormRelu.apply(x, gamma, beta, runningMean, runningVar, statistics, momentum, eps, residual);
  }

  /**
   * The cross-entropy of each row of logits [R, C] against INT32 labels [R], with label smoothing s (the target
   * (1 − s)·onehot + s/C), fused and stable: R losses, for the caller to reduce.
   */
  public static Tensor crossEntropyPerRow(Tensor logits, Tensor labels, double smoothing) {
    return SoftmaxCrossEntropy.apply(logits, labels, smoothing);
  }
}
