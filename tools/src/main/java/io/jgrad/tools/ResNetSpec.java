package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.BasicBlock;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Unflatten;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The residual network of {@code jgrad train --model resnet}: He et al.'s network for CIFAR-10 ("Deep Residual
 * Learning for Image Recognition", section 4.2), {@code depth} = 6n + 2 layers with weights. Unflatten, a 3×3
 * convolution of {@value #STEM} channels with its batch norm and ReLU, three stages of n {@link BasicBlock}s of 16,
 * 32 and 64 channels (the second and third stages' first blocks with stride 2, their shortcuts a 1×1 convolution and
 * a batch norm: the paper's option B, torchvision's downsample), global average pooling, Flatten, then Dropout where
 * asked and Linear to the classes. ResNet-20 (n = 3) has 0.27M weights for 10 classes.
 *
 * <p>Weights start as PyTorch's do ({@link Initializer#torchDefault}), as {@link CnnSpec}'s; the layer names are those
 * of the same {@code nn.Sequential} in PyTorch, so its state dict loads unchanged (docs/bench/torch_cnn.py's {@code
 * --model resnet}).
 *
 * @param inputShape [C, H, W]
 * @param depth 6n + 2 for n blocks a stage
 * @param dropout before the Linear, in [0, 1) (0: no Dropout layer)
 */
public record ResNetSpec(int[] inputShape, int depth, double dropout, int classes) implements ImageArchitecture {
  public static final String KIND = "resnet";
  /** The first convolution's channels, and the first stage's. */
  public static final int STEM = 16;
  /** ResNet-20, the paper's smallest CIFAR-10 network but one. */
  public static final int DEFAULT_DEPTH = 20;
  private static final int[] STAGE_CHANNELS = {16, 32, 64};

  public ResNetSpec {
    inputShape = inputShape.clone();
    if (inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException(
          "--model resnet needs image data [C, H, W], got examples of shape " + Arrays.toString(inputShape));
    }
    checkDepth(depth);
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("ResNet dropout must be in [0, 1), got " + dropout);
    }
    if (classes < 1) {
      throw new IllegalArgumentException("ResNet classes must be >= 1, got " + classes);
    }
  }

  /** Refuses a depth other than 6n + 2, naming --depth. */
  public static void checkDepth(int depth) {
    if (depth < 8 || (depth - 2) % 6 != 0) {
      throw new IllegalArgumentException("--depth must be 6n + 2 for n blocks a stage (8, 14, 20, 32, 44, 56, 110), "
          + "got " + depth);
    }
  }

  /** Blocks a stage. */
  public int blocksPerStage() {
    return (depth - 2) / 6;
  }

  /** One residual block's channels and stride. */
  private record Block(int in, int out, int stride) {
    boolean downsamples() {
      return BasicBlock.downsamples(in, out, stride);
    }
  }

  /** The blocks in order: each stage's, the second and third stages' first of stride 2. */
  private List<Block> blocks() {
    List<Block> blocks = new ArrayList<>();
    int in = STEM;
    for (int stage = 0; stage < STAGE_CHANNELS.length; stage++) {
      for (int block = 0; block < blocksPerStage(); block++) {
        blocks.add(new Block(in, STAGE_CHANNELS[stage], stage > 0 && block == 0 ? 2 : 1));
        in = STAGE_CHANNELS[stage];
      }
    }
    return blocks;
  }

  /** Stem, blocks (with their downsampling shortcuts), then the Linear. */
  @Override
  public long parameterCount() {
    long count = (long) inputShape[0] * STEM * 9 + 2L * STEM;
    for (Block b : blocks()) {
      count += (long) b.in * b.out * 9 + (long) b.out * b.out * 9 + 4L * b.out;
      if (b.downsamples()) {
        count += (long) b.in * b.out + 2L * b.out;
      }
    }
    return count + (long) lastChannels() * classes + classes;
  }

  @Override
  public long activationFloatsPerSample() {
    long h = inputShape[1];
    long w = inputShape[2];
    long floats = (long) inputShape[0] * h * w + 2L * STEM * h * w; // input; conv, batch norm with its ReLU
    for (Block b : blocks()) {
      h = (h - 1) / b.stride + 1;
      w = (w - 1) / b.stride + 1;
      // conv, batch norm with its ReLU, conv, batch norm with the sum and its ReLU (Functional.batchNormRelu); the
      // shortcut's conv and batch norm
      floats += (b.downsamples() ? 6L : 4L) * b.out * h * w;
    }
    int last = lastChannels();
    return floats + 2L * last + (dropout > 0 ? 1L : 0L) * last + classes; // pooled, flattened, [Dropout], Linear
  }

  private static int lastChannels() {
    return STAGE_CHANNELS[STAGE_CHANNELS.length - 1];
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public Sequential build(Backend backend, Initializer weights, Generator init, Generator dropoutRng) {
    List<Module> layers = new ArrayList<>();
    layers.add(new Unflatten(inputShape));
    layers.add(Conv2d.builder(backend, inputShape[0], STEM, 3).options(Conv2dOptions.DEFAULTS.padding(1)).bias(false)
        .init(weights).build(init));
    layers.add(new BatchNorm2d(backend, DType.FLOAT32, STEM));
    layers.add(new ReLU());
    for (Block b : blocks()) {
      layers.add(new BasicBlock(backend, DType.FLOAT32, b.in, b.out, b.stride, weights, init));
    }
    layers.add(new AdaptiveAvgPool2d(1));
    layers.add(new Flatten());
    if (dropout > 0) {
      layers.add(new Dropout(dropout, dropoutRng));
    }
    layers.add(new Linear(backend, DType.FLOAT32, lastChannels(), classes, true, weights, init));
    return new Sequential(layers.toArray(new Module[0]));
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "kind", KIND);
    m.put(PREFIX + "input_shape", Architectures.ints(inputShape));
    m.put(PREFIX + "depth", Integer.toString(depth));
    m.put(PREFIX + "dropout", Double.toString(dropout));
    m.put(PREFIX + "classes", Integer.toString(classes));
    return m;
  }

  /** Reads what {@link #metadata()} wrote. */
  static ResNetSpec fromMetadata(Architectures.Fields fields) {
    return new ResNetSpec(fields.ints("input_shape"), (int) fields.number("depth"), fields.number("dropout"),
        (int) fields.number("classes"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResNetSpec r && Arrays.equals(inputShape, r.inputShape) && depth == r.depth
        && Double.compare(dropout, r.dropout) == 0 && classes == r.classes;
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(inputShape) * 31 + depth) * 31 + Double.hashCode(dropout) * 17 + classes;
  }

  @Override
  public String toString() {
    return "resnet-" + depth + " " + Arrays.toString(inputShape) + " → " + Arrays.toString(STAGE_CHANNELS) + " → "
        + classes;
  }
}
