package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jgrad import} of a state dict as PyTorch writes one: a single Linear layer under a module's prefix, whose
 * outputs are worked out here by hand, then {@code predict} and {@code export} of the model file it writes.
 * (TorchMlpTest checks deeper networks against PyTorch's own outputs.)
 */
class ImportCliTest {
  @TempDir static Path dir;
  private static Path weights;

  /** logits = W · (x − mean) / std + b, for two features and two outputs. */
  private static final float[] W = {0.5f, -1.5f, 2f, 0.25f};
  private static final float[] B = {0.1f, -0.3f};
  private static final double[] MEAN = {1, 2};
  private static final double[] STD = {2, 4};

  @BeforeAll
  static void writeTheStateDict() throws IOException {
    Map<String, TensorData> state = new LinkedHashMap<>();
    state.put("net.0.weight", TensorData.ofFloats(new int[] {2, 2}, W));
    state.put("net.0.bias", TensorData.ofFloats(new int[] {2}, B));
    weights = dir.resolve("torch.safetensors");
    Safetensors.write(weights, state, Map.of("format", "pt"));
  }

  private static double[] logits(double a, double b) {
    double za = (a - MEAN[0]) / STD[0];
    double zb = (b - MEAN[1]) / STD[1];
    return new double[] {W[0] * za + W[1] * zb + B[0], W[2] * za + W[3] * zb + B[1]};
  }

  /** The state dict imported as {@code model} with the layer's standardisation and these options. */
  private static CliRun importAs(Path model, String... options) {
    CliRun r = CliRun.run(new String[] {"import", "--weights", weights.toString(), "--output", model.toString(),
        "--mean", "1,2", "--std", "2,4"}, options);
    assertEquals(0, r.code(), r.err());
    return r;
  }

  /** predict's lines for these CSV rows, written to {@code name}. */
  private static List<String> predict(Path model, String name, String csv) throws IOException {
    Path rows = Files.writeString(dir.resolve(name), csv);
    CliRun predicted = CliRun.run("predict", "--model", model.toString(), rows.toString());
    assertEquals(0, predicted.code(), predicted.err());
    return predicted.lines();
  }

  @Test
  void aClassifiersColumnsClassesAndStandardisation() throws IOException {
    Path model = dir.resolve("classes.safetensors");
    CliRun r = importAs(model, "--classes", "no,yes", "--columns", "a,b");
    Map<String, String> line = CliRun.fields(r.lines().get(0));
    assertEquals("import", line.get("event"));
    assertTrue(r.lines().get(0).contains("\"layers\":[\"net.0\"]"), r.out());
    assertTrue(r.lines().get(0).contains("\"outputs\":[\"no\",\"yes\"]"), r.out());
    // A table with the model's columns in another order and one it does not read.
    List<String> predicted = predict(model, "rows.csv", "id,b,a\nr1,2,1\nr2,-3,4.5\nr3,10,-2\n");
    double[][] inputs = {{1, 2}, {4.5, -3}, {-2, 10}};
    for (int i = 0; i < inputs.length; i++) {
      double[] z = logits(inputs[i][0], inputs[i][1]);
      double yes = 1 / (1 + Math.exp(z[0] - z[1]));
      Map<String, String> p = CliRun.fields(predicted.get(i));
      assertEquals(yes > 0.5 ? "yes" : "no", p.get("class"), predicted.get(i));
      assertEquals(Math.max(yes, 1 - yes), Double.parseDouble(p.get("probability")), 1e-6);
    }
    CliRun onnx = CliRun.run("export", "--model", model.toString(), "--output", dir.resolve("m.onnx").toString());
    assertEquals(0, onnx.code(), onnx.err());
  }

  @Test
  void aRegressionsValuesAsTheLayerGivesThem() throws IOException {
    Path model = dir.resolve("values.safetensors");
    importAs(model, "--task", "regression", "--classes", "price,rent");
    List<String> predicted = predict(model, "values.csv", "0,0\n3,-1\n");
    double[][] inputs = {{0, 0}, {3, -1}};
    for (int i = 0; i < inputs.length; i++) {
      double[] z = logits(inputs[i][0], inputs[i][1]);
      Map<String, String> values = CliRun.object(predicted.get(i), "values");
      assertEquals(z[0], Double.parseDouble(values.get("price")), 1e-6);
      assertEquals(z[1], Double.parseDouble(values.get("rent")), 1e-6);
    }
  }

  @Test
  void aMultiLabelModelsLabelsEachBySigmoid() throws IOException {
    Path model = dir.resolve("labels.safetensors");
    importAs(model, "--task", "multilabel", "--classes", "red,round");
    List<String> predicted = predict(model, "labels.csv", "5,2\n-4,10\n");
    double[][] inputs = {{5, 2}, {-4, 10}};
    for (int i = 0; i < inputs.length; i++) {
      double[] z = logits(inputs[i][0], inputs[i][1]);
      Map<String, String> p = CliRun.object(predicted.get(i), "probabilities");
      assertEquals(1 / (1 + Math.exp(-z[0])), Double.parseDouble(p.get("red")), 1e-6);
      assertEquals(1 / (1 + Math.exp(-z[1])), Double.parseDouble(p.get("round")), 1e-6);
    }
  }

  @Test
  void misuseIsOneLine() throws IOException {
    String out = dir.resolve("x.safetensors").toString();
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--classes", "a,b,c"), "--classes names 3 outputs; the last layer, net.0, has 2");
    cases.put(List.of("--mean", "0"), "--mean needs --std");
    cases.put(List.of("--mean", "0,0,0", "--std", "1,1,1"), "--mean and --std give 3 values: one, or one a feature "
        + "(2)");
    cases.put(List.of("--input-shape", "1,28,28"), "--input-shape [1, 28, 28]: an input shape of [1, 28, 28] is 784 "
        + "values; the first layer, net.0, takes 2");
    cases.put(List.of("--columns", "a"), "--columns names 1 features; the input has 2");
    cases.put(List.of("--activation", "swish"), "unknown activation 'swish' (expected relu, leaky-relu, elu, gelu, "
        + "tanh or sigmoid)");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      String[] args = new String[5 + c.getKey().size()];
      System.arraycopy(new String[] {"import", "--weights", weights.toString(), "--output", out}, 0, args, 0, 5);
      for (int i = 0; i < c.getKey().size(); i++) {
        args[5 + i] = c.getKey().get(i);
      }
      CliRun r = CliRun.run(args);
      assertEquals(1, r.code(), c.getKey() + ": " + r.out());
      assertEquals("jgrad import: " + c.getValue(), r.err().strip());
    }
    assertTrue(Files.notExists(Path.of(out)), "nothing written on a refusal");
    Map<String, TensorData> norm = Map.of("bn.running_var", TensorData.ofFloats(new int[] {2}, new float[2]));
    Path notMlp = dir.resolve("norm.safetensors");
    Safetensors.write(notMlp, norm, Map.of());
    CliRun r = CliRun.run("import", "--weights", notMlp.toString(), "--output", out);
    assertEquals("jgrad import: " + notMlp + ": holds bn.running_var [2], no Linear layer's weight or bias: only a "
        + "network of Linear layers and activations is read (norms' running statistics and other buffers are not)",
        r.err().strip());
  }
}
