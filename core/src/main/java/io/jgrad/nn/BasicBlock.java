package io.jgrad.nn;

import io.jgrad.Backend;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;

/**
 * He et al.'s basic residual block (torchvision's {@code BasicBlock}): y = ReLU(BN(conv(ReLU(BN(conv(x))))) +
 * shortcut(x)), both convolutions 3×3 with padding 1 and no bias, the first with the block's stride. The shortcut is x
 * itself where the block keeps the shape, else a 1×1 convolution with the stride and a batch norm ("option B" of the
 * paper, torchvision's {@code downsample}). Parameters and buffers are named as torchvision's: {@code conv1}, {@code
 * bn1}, {@code conv2}, {@code bn2}, {@code downsample.0}, {@code downsample.1}.
 */
public final class BasicBlock extends Module {
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final Conv2d conv2;
  private final BatchNorm2d bn2;
  private final Sequential downsample;

  /**
   * @param weights the convolutions' initial weights, drawn from {@code gen} in the order conv1, conv2, downsample
   */
  public BasicBlock(Backend backend, DType dtype, int in, int out, int stride, Initializer weights, Generator gen) {
    if (in < 1 || out < 1 || stride < 1) {
      throw new IllegalArgumentException("BasicBlock needs positive channels and stride, got " + in + " → " + out
          + ", stride " + stride);
    }
    Conv2dOptions same = Conv2dOptions.DEFAULTS.padding(1);
    conv1 = registerModule("conv1", Conv2d.builder(backend, in, out, 3).dtype(dtype).options(same.stride(stride))
        .bias(false).init(weights).build(gen));
    bn1 = registerModule("bn1", new BatchNorm2d(backend, dtype, out));
    conv2 = registerModule("conv2", Conv2d.builder(backend, out, out, 3).dtype(dtype).options(same).bias(false)
        .init(weights).build(gen));
    bn2 = registerModule("bn2", new BatchNorm2d(backend, dtype, out));
    downsample = !downsamples(in, out, stride) ? null : registerModule("downsample", new Sequential(
        Conv2d.builder(backend, in, out, 1).dtype(dtype).options(Conv2dOptions.DEFAULTS.stride(stride)).bias(false)
            .init(weights).build(gen), new BatchNorm2d(backend, dtype, out)));
  }

  /** Whether a block of these sizes changes the shape, so that its shortcut is a 1×1 convolution and a batch norm. */
  public static boolean downsamples(int in, int out, int stride) {
    return stride != 1 || in != out;
  }

  public Conv2d conv1() {
    return conv1;
  }

  public BatchNorm2d bn1() {
    return bn1;
  }

  public Conv2d conv2() {
    return conv2;
  }

  public BatchNorm2d bn2() {
    return bn2;
  }

  /** The shortcut's 1×1 convolution and batch norm, or null where the shortcut is the identity. */
  public Sequential downsample() {
    return downsample;
  }

  @Override
  public Tensor forward(Tensor x) {
    // Each batch norm runs with the ReLU (and the shortcut's sum) after it as one op: the same values, without the
    // normalised activation or the sum in memory.
    Tensor h = bn1.forwardRelu(conv1.forward(x), null);
    return bn2.forwardRelu(conv2.forward(h), downsample == null ? x : downsample.forward(x));
  }
}
