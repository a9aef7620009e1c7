package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.nn.Activation;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-layer perceptron: [Linear, activation, Dropout] per hidden width, then a Linear to the classes.
 *
 * @param inputShape one example's dimensions ({@code [1, 28, 28]}), read flattened
 * @param hidden the hidden layers' widths
 * @param activation relu, leaky-relu, elu, gelu, tanh or sigmoid
 * @param dropout after each hidden layer, in [0, 1) (0: no Dropout layers)
 */
public record MlpSpec(int[] inputShape, int[] hidden, String activation, double dropout, int classes)
    implements Architecture {
  public static final String KIND = "mlp";

  public MlpSpec {
    inputShape = inputShape.clone();
    hidden = hidden.clone();
    if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("MLP input shape must have dimensions >= 1, got " + Arrays.toString(inputShape));
    }
    if (Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("MLP hidden widths must be >= 1, got " + Arrays.toString(hidden));
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("MLP dropout must be in [0, 1), got " + dropout);
    }
    if (classes < 1) {
      throw new IllegalArgumentException("MLP classes must be >= 1, got " + classes);
    }
    Activation.named(activation); // an unknown name fails here, naming the ones there are
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
  public int[] hidden() {
    return hidden.clone();
  }

  /**
   * The network with PyTorch's default weights ({@link Initializer#torchDefault}; biases zero), as the CNN's: from
   * He-uniform weights the recipe trailed, most on regression (docs/benchmarks.md, "Training accuracy").
   */
  @Override
  public Sequential build(Backend backend, Generator init, Generator dropoutRng) {
    return build(backend, Initializer.torchDefault(), init, dropoutRng);
  }

  @Override
  public Sequential build(Backend backend, Initializer weights, Generator init, Generator dropoutRng) {
    List<Module> layers = new ArrayList<>();
    int width = featureSize();
    for (int h : hidden) {
      layers.add(new Linear(backend, DType.FLOAT32, width, h, true, weights, init));
      layers.add(Activation.named(activation));
      if (dropout > 0) {
        layers.add(new Dropout(dropout, dropoutRng));
      }
      width = h;
    }
    layers.add(new Linear(backend, DType.FLOAT32, width, classes, true, weights, init));
    return new Sequential(layers.toArray(new Module[0]));
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "kind", KIND);
    m.put(PREFIX + "input_shape", Architectures.ints(inputShape));
    m.put(PREFIX + "hidden", Architectures.ints(hidden));
    m.put(PREFIX + "activation", activation);
    m.put(PREFIX + "dropout", Double.toString(dropout));
    m.put(PREFIX + "classes", Integer.toString(classes));
    return m;
  }

  /** Reads what {@link #metadata()} wrote; {@code fields} are the entries without the prefix. */
  static MlpSpec fromMetadata(Architectures.Fields fields) {
    return new MlpSpec(fields.ints("input_shape"), fields.ints("hidden"), fields.text("activation"),
        fields.number("dropout"), (int) fields.number("classes"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlpSpec m && Arrays.equals(inputShape, m.inputShape) && Arrays.equals(hidden, m.hidden)
        && activation.equals(m.activation) && Double.compare(dropout, m.dropout) == 0 && classes == m.classes;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputShape) * 31 + Arrays.hashCode(hidden) * 17 + activation.hashCode() + classes;
  }

  @Override
  public String toString() {
    return "mlp " + Arrays.toString(inputShape) + " → " + Arrays.toString(hidden) + " " + activation + " → " + classes;
  }
}
