package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
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
 * The small convolutional network of {@code jgrad train --model cnn}, for images [C, H, W]: Unflatten (so flat rows
 * work too), then per block [3×3 conv (same size, no bias: the batch norm's shift replaces it), BatchNorm2d, 2×2
 * max-pool, ReLU], then Flatten, Linear {@value #HEAD}, ReLU, Dropout and Linear to the classes. Two blocks of 32 and 64
 * channels for images under 32 pixels a side (Fashion-MNIST, digits: 3,136 features into the head, the network of
 * docs/bench/torch_cnn.py); a third of 128 from 32 on (CIFAR-10: 2,048).
 *
 * <p>The ReLU comes after the pooling, where it has a quarter of the elements: ReLU is non-decreasing, so
 * max-pool(ReLU(x)) = ReLU(max-pool(x)), and the gradients agree too (a window whose maximum is not positive passes no
 * gradient either way; otherwise both pass it to the first tap holding the maximum). The parameters and their names
 * are those of the conv, BN, ReLU, pool order, so PyTorch's state dict of that network loads unchanged.
 *
 * <p>Weights start as PyTorch's do ({@link Initializer#torchDefault}, U(±1/√fanIn)), not with {@link Linear}'s
 * He-uniform: under AdamW this network learns faster from the smaller start (Fashion-MNIST, 3 epochs, in PyTorch
 * itself: 0.878 after the first of 3 epochs with He-uniform weights, 0.890 with U(±1/√fanIn) ones, both with zero
 * biases; docs/benchmarks.md). Biases start at zero, as Linear's.
 *
 * @param inputShape [C, H, W]
 * @param dropout before the last Linear, in [0, 1) (0: no Dropout layer)
 */
public record CnnSpec(int[] inputShape, double dropout, int classes) implements ImageArchitecture {
  public static final String KIND = "cnn";
  /** Width of the hidden linear layer of the head. */
  public static final int HEAD = 128;

  public CnnSpec {
    inputShape = inputShape.clone();
    if (inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException(
          "--model cnn needs image data [C, H, W], got examples of shape " + Arrays.toString(inputShape));
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("CNN dropout must be in [0, 1), got " + dropout);
    }
    if (classes < 1) {
      throw new IllegalArgumentException("CNN classes must be >= 1, got " + classes);
    }
  }

  /** The channels of each block. */
  public int[] blockChannels() {
    return Math.min(inputShape[1], inputShape[2]) >= 32 ? new int[] {32, 64, 128} : new int[] {32, 64};
  }

  /** Per block the conv's weights (no bias) and the batch norm's scale and shift, then the head. */
  @Override
  public long parameterCount() {
    long count = 0;
    long channels = inputShape[0];
    for (int out : blockChannels()) {
      count += channels * out * 9 + 2L * out;
      channels = out;
    }
    return count + headFeatures() * HEAD + HEAD + (long) HEAD * classes + classes;
  }

  @Override
  public long activationFloatsPerSample() {
    long floats = (long) inputShape[0] * inputShape[1] * inputShape[2];
    long h = inputShape[1];
    long w = inputShape[2];
    for (int out : blockChannels()) {
      floats += 2L * out * h * w; // conv and batch norm, each at full size
      h /= 2;
      w /= 2;
      floats += 2L * out * h * w; // max-pool and ReLU
    }
    return floats + (dropout > 0 ? 3L : 2L) * HEAD + classes; // Linear, ReLU, [Dropout], Linear
  }

  private long headFeatures() {
    int[] channels = blockChannels();
    int halvings = channels.length;
    return (long) channels[halvings - 1] * (inputShape[1] >> halvings) * (inputShape[2] >> halvings);
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
    int channels = inputShape[0];
    int h = inputShape[1];
    int w = inputShape[2];
    for (int out : blockChannels()) {
      layers.add(Conv2d.builder(backend, channels, out, 3).options(Conv2dOptions.DEFAULTS.padding(1)).bias(false)
          .init(weights).build(init));
      layers.add(new BatchNorm2d(backend, DType.FLOAT32, out));
      layers.add(new MaxPool2d(2));
      layers.add(new ReLU());
      channels = out;
      h /= 2;
      w /= 2;
    }
    layers.add(new Flatten());
    layers.add(new Linear(backend, DType.FLOAT32, channels * h * w, HEAD, true, weights, init));
    layers.add(new ReLU());
    if (dropout > 0) {
      layers.add(new Dropout(dropout, dropoutRng));
    }
    layers.add(new Linear(backend, DType.FLOAT32, HEAD, classes, true, weights, init));
    return new Sequential(layers.toArray(new Module[0]));
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "kind", KIND);
    m.put(PREFIX + "input_shape", Architectures.ints(inputShape));
    m.put(PREFIX + "dropout", Double.toString(dropout));
    m.put(PREFIX + "classes", Integer.toString(classes));
    return m;
  }

  /** Reads what {@link #metadata()} wrote. */
  static CnnSpec fromMetadata(Architectures.Fields fields) {
    return new CnnSpec(fields.ints("input_shape"), fields.number("dropout"), (int) fields.number("classes"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CnnSpec c && Arrays.equals(inputShape, c.inputShape) && Double.compare(dropout, c.dropout) == 0
        && classes == c.classes;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputShape) * 31 + Double.hashCode(dropout) * 17 + classes;
  }

  @Override
  public String toString() {
    return "cnn " + Arrays.toString(inputShape) + " → " + Arrays.toString(blockChannels()) + " → " + HEAD + " → "
        + classes;
  }
}
