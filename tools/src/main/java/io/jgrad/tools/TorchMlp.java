package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Sequential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch MLP's weights, as {@code safetensors.torch.save_file(model.state_dict(), path)} writes them, read as the
 * Linear layers of an {@link MlpSpec}: an {@code nn.Sequential} of Linear layers, activations and dropout ({@code
 * 0.weight}, {@code 3.weight}, …, under any prefix such as {@code net.}), or a module whose Linear layers are named
 * ({@code fc1}, {@code fc2}, {@code out}). The layers are taken in the order of the numbers in their names (by name
 * where they have none), and must chain: each one's input width the previous one's output width. Weights are PyTorch's
 * [out, in], as jgrad keeps them; a layer without a bias gets zeros. A tensor that is no Linear layer's (a norm's
 * running statistics, a convolution's 4-D kernel) is one line: such a network is no MLP jgrad builds.
 *
 * @param names each Linear layer's name in the file ({@code 0}, {@code net.3}, {@code fc2})
 * @param weights each layer's [out, in] weight
 * @param biases each layer's [out] bias (zeros where the file has none)
 */
public record TorchMlp(List<String> names, List<TensorData> weights, List<TensorData> biases) {
  private static final Pattern PARAMETER = Pattern.compile("(.*)\\.(weight|bias)");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  public TorchMlp {
    names = List.copyOf(names);
    weights = List.copyOf(weights);
    biases = List.copyOf(biases);
  }

  /** Reads the Linear layers of the state dict in {@code file}. */
  public static TorchMlp read(Path file) {
    SafetensorsFile saved = Safetensors.read(file);
    Map<String, TensorData[]> layers = new TreeMap<>(TorchMlp::naturalOrder);
    for (Map.Entry<String, TensorData> e : saved.tensors().entrySet()) {
      Matcher m = PARAMETER.matcher(e.getKey());
      if (!m.matches()) {
        throw new InvalidFileException(file.toString(), "holds " + e.getKey() + " " + Arrays.toString(e.getValue()
            .shape()) + ", no Linear layer's weight or bias: only a network of Linear layers and activations is read "
            + "(norms' running statistics and other buffers are not)");
      }
      TensorData[] pair = layers.computeIfAbsent(m.group(1), k -> new TensorData[2]);
      pair[m.group(2).equals("weight") ? 0 : 1] = e.getValue();
    }
    if (layers.isEmpty()) {
      throw new InvalidFileException(file.toString(), "holds no tensors");
    }
    List<String> names = new ArrayList<>();
    List<TensorData> weights = new ArrayList<>();
    List<TensorData> biases = new ArrayList<>();
    int width = -1;
    for (Map.Entry<String, TensorData[]> layer : layers.entrySet()) {
      String name = layer.getKey();
      TensorData w = layer.getValue()[0];
      TensorData b = layer.getValue()[1];
      if (w == null || w.shape().length != 2) {
        throw new InvalidFileException(file.toString(), "layer " + name + " has " + (w == null ? "a bias and no "
            + "weight" : "a weight of shape " + Arrays.toString(w.shape())) + ": a Linear layer's weight is [out, in] "
            + "(a convolution or a norm is no MLP's layer)");
      }
      int out = w.shape()[0];
      int in = w.shape()[1];
      if (width >= 0 && in != width) {
        throw new InvalidFileException(file.toString(), "layer " + name + " takes " + in + " inputs, but the layer "
            + "before it, " + names.get(names.size() - 1) + ", gives " + width + " (the layers in order: "
            + shapes(layers) + ")");
      }
      if (b != null && !Arrays.equals(b.shape(), new int[] {out})) {
        throw new InvalidFileException(file.toString(), "layer " + name + "'s bias has shape "
            + Arrays.toString(b.shape()) + ", its weight " + Arrays.toString(w.shape()));
      }
      names.add(name);
      weights.add(w);
      biases.add(b != null ? b : TensorData.ofFloats(new int[] {out}, new float[out]));
      width = out;
    }
    return new TorchMlp(names, weights, biases);
  }

  /** Inputs the first layer takes. */
  public int inputs() {
    return weights.get(0).shape()[1];
  }

  /** Outputs of the last layer: the classes, targets or labels. */
  public int outputs() {
    return weights.get(weights.size() - 1).shape()[0];
  }

  /** The hidden layers' widths: every layer's outputs but the last's. */
  public int[] hidden() {
    return weights.subList(0, weights.size() - 1).stream().mapToInt(w -> w.shape()[0]).toArray();
  }

  /**
   * This network as jgrad's MLP of {@code inputShape} (whose product is {@link #inputs()}) and {@code activation}
   * (jgrad's names; gelu is PyTorch's {@code GELU(approximate='tanh')}), no dropout (it is off in evaluation), with
   * these weights.
   */
  public MlpSpec spec(int[] inputShape, String activation) {
    int features = Arrays.stream(inputShape).reduce(1, Math::multiplyExact);
    if (features != inputs()) {
      throw new IllegalArgumentException("an input shape of " + Arrays.toString(inputShape) + " is " + features
          + " values; the first layer, " + names.get(0) + ", takes " + inputs());
    }
    return new MlpSpec(inputShape, hidden(), activation, 0, outputs());
  }

  /** The network of {@code spec} ({@link #spec}) on {@code backend}, holding these weights. */
  public Sequential build(MlpSpec spec, Backend backend) {
    // Zeros, overwritten at once, as Predictor.load builds a model: nothing drawn to be thrown away.
    Sequential model = spec.build(backend, Initializer.zeros(), new Generator(0), new Generator(0));
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    List<String> linear = model.namedParameters().keySet().stream()
        .map(n -> n.substring(0, n.lastIndexOf('.'))).distinct().toList(); // 0, 2, 4: the Linear layers in order
    for (int i = 0; i < linear.size(); i++) {
      tensors.put(linear.get(i) + ".weight", weights.get(i));
      tensors.put(linear.get(i) + ".bias", biases.get(i));
    }
    try {
      ModelWeights.apply(model, tensors, "the PyTorch weights", "");
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /** Names by the numbers in them, then as text: {@code 2 < 10}, {@code fc2 < fc10}, {@code net.0 < net.3}. */
  private static int naturalOrder(String a, String b) {
    List<Long> na = numbers(a);
    List<Long> nb = numbers(b);
    for (int i = 0; i < Math.min(na.size(), nb.size()); i++) {
      int c = Long.compare(na.get(i), nb.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Comparator.<String>naturalOrder().compare(a, b);
  }

  private static List<Long> numbers(String name) {
    List<Long> found = new ArrayList<>();
    Matcher m = NUMBER.matcher(name);
    while (m.find()) {
      found.add(m.group().length() > 18 ? Long.MAX_VALUE : Long.parseLong(m.group()));
    }
    return found;
  }

  private static String shapes(Map<String, TensorData[]> layers) {
    List<String> out = new ArrayList<>();
    layers.forEach((name, pair) -> out.add(name + " " + (pair[0] == null ? "?" : Arrays.toString(pair[0].shape()))));
    return String.join(", ", out);
  }
}
