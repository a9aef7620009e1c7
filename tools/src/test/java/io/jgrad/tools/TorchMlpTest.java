package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.data.Standardizer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Sequential;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PyTorch networks (torch_mlp.py, beside their files, wrote them with PyTorch 1.13 and safetensors 0.8) imported and
 * run by a {@link Predictor}: the outputs PyTorch computed in evaluation mode, to float32's rounding.
 */
class TorchMlpTest extends ScalarBackendTest {
  /** How far jgrad's float32 outputs may be from PyTorch's: a few units in the last place of values near 1. */
  private static final float TOLERANCE = 2e-6f;

  /** The fixture's rows: {@code inputs} rows of inputs, then as many of outputs. */
  private static float[][] rows(String name, int inputs) throws IOException, URISyntaxException {
    List<String> lines = Files.readAllLines(resource(name));
    float[][] parts = new float[2][];
    for (int part = 0; part < 2; part++) {
      String[] cells = String.join(",", lines.subList(part * inputs, (part + 1) * inputs)).split(",");
      parts[part] = new float[cells.length];
      for (int i = 0; i < cells.length; i++) {
        parts[part][i] = Float.parseFloat(cells[i]);
      }
    }
    return parts;
  }

  private Predictor imported(TorchMlp torch, MlpSpec spec, ModelFile description) throws IOException {
    Path file = dir.resolve("imported.safetensors");
    Sequential model = torch.build(spec, backend);
    description.save(file, model);
    model.close();
    return Predictor.load(file, backend);
  }

  private static float[] probabilities(List<Prediction> predictions) {
    int classes = predictions.get(0).probabilities().length;
    float[] p = new float[predictions.size() * classes];
    for (int i = 0; i < predictions.size(); i++) {
      System.arraycopy(predictions.get(i).probabilities(), 0, p, i * classes, classes);
    }
    return p;
  }

  @Test
  void aSequentialsLinearLayersInTheirIndicesOrderBehindItsStandardisation() throws Exception {
    TorchMlp torch = TorchMlp.read(resource("torch_mlp.safetensors"));
    assertEquals(List.of("0", "3", "6"), torch.names(), "Dropout and ReLU hold no weights: indices 1, 2, 4, 5");
    assertArrayEquals(new int[] {16, 8}, torch.hidden());
    MlpSpec spec = torch.spec(new int[] {4}, "relu");
    Standardizer scaler = Standardizer.of(4, new double[] {1, -2, 0.5, 10}, new double[] {2, 0.5, 1, 4});
    float[][] rows = rows("torch_mlp.txt", 6);
    try (Predictor p = imported(torch, spec, ModelFile.of(spec, scaler, List.of("a", "b", "c"), ""))) {
      assertArrayEquals(rows[1], probabilities(p.predict(rows[0])), TOLERANCE);
    }
  }

  @Test
  void namedLayersOneWithoutABiasFittingValues() throws Exception {
    TorchMlp torch = TorchMlp.read(resource("torch_named.safetensors"));
    assertEquals(List.of("fc1", "fc2"), torch.names());
    MlpSpec spec = torch.spec(new int[] {3}, "tanh");
    Standardizer none = Standardizer.of(3, new double[] {0}, new double[] {1});
    ModelFile description = ModelFile.of(spec, none, null, "").regression(Standardizer.of(2, new double[] {0, 0},
        new double[] {1, 1}), List.of("y0", "y1"));
    float[][] rows = rows("torch_named.txt", 4);
    try (Predictor p = imported(torch, spec, description)) {
      assertArrayEquals(rows[1], p.values(rows[0]), TOLERANCE);
    }
  }

  @Test
  void imagesBehindAPerChannelNormalize() throws Exception {
    TorchMlp torch = TorchMlp.read(resource("torch_images.safetensors"));
    assertEquals(List.of("1", "3"), torch.names(), "Flatten at index 0");
    MlpSpec spec = torch.spec(new int[] {3, 2, 2}, "gelu");
    Standardizer normalize = Standardizer.of(12, new double[] {0.4, 0.5, 0.6}, new double[] {0.2, 0.25, 0.3});
    float[][] rows = rows("torch_images.txt", 5);
    try (Predictor p = imported(torch, spec, ModelFile.of(spec, normalize, null, ""))) {
      assertArrayEquals(rows[1], probabilities(p.predict(rows[0])), TOLERANCE);
    }
    assertEquals("an input shape of [1, 2, 2] is 4 values; the first layer, 1, takes 12",
        assertThrows(IllegalArgumentException.class, () -> torch.spec(new int[] {1, 2, 2}, "gelu")).getMessage());
  }

  @Test
  void whatIsNoMlpIsOneLine() throws Exception {
    TensorData w = TensorData.ofFloats(new int[] {2, 3}, new float[6]);
    TensorData b = TensorData.ofFloats(new int[] {2}, new float[2]);
    Map<String, TensorData> norm = new LinkedHashMap<>(Map.of("0.weight", w, "0.bias", b));
    norm.put("1.running_mean", b);
    assertEquals("holds 1.running_mean [2], no Linear layer's weight or bias: only a network of Linear "
        + "layers and activations is read (norms' running statistics and other buffers are not)", refused(norm));
    Map<String, TensorData> conv = Map.of("0.weight", TensorData.ofFloats(new int[] {2, 1, 3, 3}, new float[18]));
    assertEquals("layer 0 has a weight of shape [2, 1, 3, 3]: a Linear layer's weight is [out, in] (a "
        + "convolution or a norm is no MLP's layer)", refused(conv));
    Map<String, TensorData> gap = Map.of("0.weight", w, "2.weight", TensorData.ofFloats(new int[] {4, 5},
        new float[20]));
    assertEquals("layer 2 takes 5 inputs, but the layer before it, 0, gives 2 (the layers in order: "
        + "0 [2, 3], 2 [4, 5])", refused(gap));
    Map<String, TensorData> tenth = new LinkedHashMap<>();
    for (int i = 0; i <= 10; i++) {
      tenth.put(i + ".weight", TensorData.ofFloats(new int[] {3, 3}, new float[9]));
    }
    Path file = dir.resolve("eleven.safetensors");
    Safetensors.write(file, tenth, Map.of());
    assertEquals(11, TorchMlp.read(file).names().size());
    assertEquals("10", TorchMlp.read(file).names().get(10), "10 after 9, not after 1");
  }

  private String refused(Map<String, TensorData> tensors) throws IOException {
    Path file = dir.resolve("state.safetensors");
    Safetensors.write(file, tensors, Map.of());
    String message = assertThrows(InvalidFileException.class, () -> TorchMlp.read(file)).getMessage();
    return message.substring((file + ": ").length());
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchMlpTest.class.getResource(name).toURI());
  }
}
