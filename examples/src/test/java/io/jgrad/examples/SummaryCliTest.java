package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgrad summary}: a model file's layers, what it reads and predicts, and the run a checkpoint records. */
class SummaryCliTest {
  @TempDir Path dir;

  /** A 784-32-10 MLP that jgrad import made: three layers, 25,450 parameters, the digits' classes; no run. */
  @Test
  void anImportedModelsLayersAndOutputs() throws IOException {
    Map<String, TensorData> state = new LinkedHashMap<>();
    state.put("0.weight", TensorData.ofFloats(new int[] {32, 784}, new float[32 * 784]));
    state.put("0.bias", TensorData.ofFloats(new int[] {32}, new float[32]));
    state.put("2.weight", TensorData.ofFloats(new int[] {10, 32}, new float[320]));
    state.put("2.bias", TensorData.ofFloats(new int[] {10}, new float[10]));
    Path weights = dir.resolve("torch.safetensors");
    Safetensors.write(weights, state, Map.of());
    Path model = dir.resolve("m.safetensors");
    assertEquals(0, CliRun.run("import", "--weights", weights.toString(), "--output", model.toString(), "--dataset",
        "digits").code());
    CliRun r = CliRun.run("summary", "--model", model.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("{\"event\":\"layer\",\"name\":\"0\",\"module\":\"Linear(in_features=784, out_features=32, "
        + "bias=true)\",\"output_shape\":[-1,32],\"parameters\":25120}", lines.get(0));
    assertEquals("{\"event\":\"layer\",\"name\":\"1\",\"module\":\"ReLU()\",\"output_shape\":[-1,32],"
        + "\"parameters\":0}", lines.get(1));
    Map<String, String> summary = CliRun.fields(lines.get(3));
    assertEquals("25450", summary.get("parameters"));
    assertEquals("101800", summary.get("parameter_bytes"));
    assertEquals("classification", summary.get("task"));
    assertEquals("digits", summary.get("dataset"));
    assertTrue(lines.get(3).contains("\"input_shape\":[1,28,28]") && lines.get(3).contains("\"classes\":[\"0\","),
        lines.get(3));
    assertFalse(summary.containsKey("epochs"), "a model file records no run");
  }

  /** A checkpoint: the epochs and steps done and the settings a resume takes, --freeze among them. */
  @Test
  void aCheckpointsRun() throws IOException {
    Path checkpoint = dir.resolve("run.safetensors");
    CliRun train = CliRun.run("train", "--hidden", "32", "--epochs", "1", "--freeze", "1", "--threads", "1",
        "--no-progress", "--save", checkpoint.toString());
    assertEquals(0, train.code(), train.err());
    CliRun r = CliRun.run("summary", "--model", checkpoint.toString());
    assertEquals(0, r.code(), r.err());
    String last = r.lines().get(r.lines().size() - 1);
    Map<String, String> summary = CliRun.fields(last);
    assertEquals("1", summary.get("epochs"));
    assertEquals("63", summary.get("optimizer_steps"), "8,000 digits in batches of 128");
    Map<String, String> settings = CliRun.object(last, "settings");
    assertEquals("32", settings.get("hidden"));
    assertEquals("1", settings.get("freeze"));
    assertEquals("25450", summary.get("parameters"));
  }

  @Test
  void aFileThatIsNoModelIsOneLine() throws IOException {
    Path missing = dir.resolve("none.safetensors");
    CliRun r = CliRun.run("summary", "--model", missing.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("jgrad summary: "), r.err());
    Path text = Files.writeString(dir.resolve("notes.safetensors"), "not a model");
    CliRun notModel = CliRun.run("summary", "--model", text.toString());
    assertEquals(1, notModel.err().strip().lines().count(), notModel.err());
  }
}
