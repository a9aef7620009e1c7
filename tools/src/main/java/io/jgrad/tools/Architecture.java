package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.nn.Module;
import java.util.Arrays;
import java.util.Map;

/**
 * What a model is, as a small typed record a model file carries in its metadata ({@value #PREFIX}*), so that the file
 * alone rebuilds it for inference. Each kind ({@link MlpSpec}, ...) is registered in {@link Architectures}.
 */
public interface Architecture {
  /** Metadata keys of an architecture start with this. */
  String PREFIX = "jgrad.model.";

  /** The registry's name of the kind: "mlp". */
  String kind();

  /** One example's dimensions, channels first ({@code [1, 28, 28]}); the model reads them flattened. */
  int[] inputShape();

  int classes();

  /** A new model with its initial weights (PyTorch's defaults, drawn from {@code init}), in training mode. */
  default Module build(Backend backend, Generator init, Generator dropout) {
    return build(backend, Initializer.torchDefault(), init, dropout);
  }

  /**
   * A new model whose layers' weights are made by {@code weights} (biases and norms as always), in training mode:
   * {@link Initializer#zeros} where a file's weights are loaded next, which then draws nothing (at a JVM's start the
   * vector random draws run interpreted, half a second for an MLP of 140,000 weights).
   */
  Module build(Backend backend, Initializer weights, Generator init, Generator dropout);

  /** This record as metadata entries under {@link #PREFIX}, the kind included. */
  Map<String, String> metadata();

  default int featureSize() {
    return Arrays.stream(inputShape()).reduce(1, Math::multiplyExact);
  }
}
