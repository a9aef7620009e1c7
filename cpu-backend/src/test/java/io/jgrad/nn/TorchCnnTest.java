package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Tensor;
import io.jgrad.Window2d;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CNN trained a few steps and exported by PyTorch 1.13 (docs/bench/export_torch_cnn.py: its state dict, int64
 * num_batches_tracked included, and one input with the eval-mode output) loads by name into the same jgrad layers and
 * gives the same output: Conv2d with and without bias, BatchNorm2d's running statistics, max, average and global
 * pooling, Flatten and Linear.
 */
class TorchCnnTest {

  private static Sequential model(Backend backend) {
    Generator gen = new Generator(1); // overwritten by the file
    return new Sequential(
        Conv2d.builder(backend, 1, 4, 3).options(Conv2dOptions.DEFAULTS.padding(1)).build(gen),
        new BatchNorm2d(backend, DType.FLOAT32, 4), new ReLU(), new MaxPool2d(2),
        Conv2d.builder(backend, 4, 6, 3).options(Conv2dOptions.DEFAULTS.stride(2).padding(1)).bias(false).build(gen),
        new BatchNorm2d(backend, DType.FLOAT32, 6), new ReLU(), new AvgPool2d(Window2d.of(2, 2, 0)),
        new AdaptiveAvgPool2d(1), new Flatten(), new Linear(backend, 6, 3, gen));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void aPyTorchStateDictLoadsAndGivesPyTorchsOutput(String backendName) throws URISyntaxException {
    Map<String, TensorData> io = Safetensors.read(resource("torch_cnn_io.safetensors")).tensors();
    try (Backend backend = Backends.create(backendName)) {
      Sequential model = model(backend);
      ModelWeights.load(model, resource("torch_cnn.safetensors"));
      model.eval();
      assertEquals(3, ((BatchNorm2d) model.get(1)).batchesTracked(), "num_batches_tracked from int64");
      float[] expected = io.get("output").toFloats();
      float[] actual;
      try (NoGrad ignored = NoGrad.enter();
          Tensor x = Tensor.of(backend, io.get("input").toFloats(), io.get("input").shape());
          Tensor y = model.forward(x)) {
        assertEquals(io.get("output").shape().length, y.rank());
        actual = y.toFloatArray();
      }
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5, "output " + i + " on " + backendName);
      }
      model.close();
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchCnnTest.class.getResource(name).toURI());
  }
}
