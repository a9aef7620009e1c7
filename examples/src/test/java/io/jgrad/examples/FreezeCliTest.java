package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --freeze K}: the first K layers with weights kept as a model file had them. */
class FreezeCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--threads", "1", "--backend", "cpu", "--no-progress", "--batch", "64",
    "--hidden", "32,16"};

  private Map<String, String> summary(String... args) throws IOException {
    return CliRun.summaryOf(args, SMALL);
  }

  /** The model's tensors in a checkpoint, by name. */
  private static Map<String, TensorData> tensors(Path checkpoint) throws IOException {
    return Safetensors.read(checkpoint).tensors();
  }

  /**
   * A 784-32-16-10 MLP fine-tuned with its first two layers frozen: they are the file's to the last bit, the output
   * layer moved; the run reports what trained; resumed, it ends as the run of two epochs in one go.
   */
  @Test
  void frozenLayersStayTheFilesAndTheRunResumesFrozen() throws IOException {
    Path base = dir.resolve("base.safetensors");
    summary("train", "--epochs", "1", "--save", base.toString());
    Path tuned = dir.resolve("tuned.safetensors");
    Map<String, String> run = summary("train", "--init-from", base.toString(), "--freeze", "2", "--epochs", "1",
        "--schedule", "constant", "--save", tuned.toString());
    assertEquals("2", run.get("freeze"));
    assertEquals("170", run.get("trainable_parameters"), "16 × 10 weights and 10 biases");
    Map<String, TensorData> before = tensors(base);
    Map<String, TensorData> after = tensors(tuned);
    for (String frozen : List.of("model.0.weight", "model.0.bias", "model.3.weight", "model.3.bias")) {
      assertArrayEquals(before.get(frozen).toFloats(), after.get(frozen).toFloats(), frozen);
    }
    assertFalse(Arrays.equals(before.get("model.6.weight").toFloats(), after.get("model.6.weight").toFloats()));
    assertFalse(after.containsKey("optimizer.0.weight.exp_avg"), "no step, no state");
    assertTrue(after.containsKey("optimizer.6.weight.exp_avg"));

    Map<String, String> whole = summary("train", "--init-from", base.toString(), "--freeze", "2", "--epochs", "2",
        "--schedule", "constant");
    Map<String, String> resumed = summary("train", "--resume", tuned.toString(), "--epochs", "2", "--save",
        tuned.toString());
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy", "trainable_parameters")) {
      assertEquals(whole.get(figure), resumed.get(figure), figure);
    }
    CliRun unfrozen = CliRun.run(new String[] {"train", "--resume", tuned.toString(), "--epochs", "3", "--freeze",
      "0"}, SMALL);
    assertEquals("jgrad train: --freeze 0 contradicts " + tuned + ", a run with --freeze 2; leave --freeze out to "
        + "continue that run", unfrozen.err().strip());
  }

  /**
   * A CNN's three conv blocks frozen: each convolution with its batch norm, the norm's running statistics included,
   * is the file's; its two Linear layers train.
   */
  @Test
  void aCnnsFrozenBlocksKeepTheirBatchNormStatistics() throws IOException {
    String[] cnn = JgradCliTest.cnnOnSyntheticCifar(dir, "--epochs", "1");
    Path base = dir.resolve("cnn.safetensors");
    assertEquals(0, CliRun.run(cnn, "--save", base.toString()).code());
    Path tuned = dir.resolve("cnn-tuned.safetensors");
    CliRun r = CliRun.run(cnn, "--init-from", base.toString(), "--freeze", "3", "--save", tuned.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> before = tensors(base);
    Map<String, TensorData> after = tensors(tuned);
    List<String> model = before.keySet().stream().filter(k -> k.startsWith("model.")).toList();
    List<String> linear = model.stream().filter(k -> k.endsWith(".weight") && before.get(k).shape().length == 2)
        .map(k -> k.substring(0, k.length() - "weight".length())).toList();
    assertEquals(2, linear.size(), model.toString());
    for (String name : model) {
      boolean trains = linear.stream().anyMatch(name::startsWith);
      assertEquals(!trains, Arrays.equals(before.get(name).toFloats(), after.get(name).toFloats()), name);
    }
    assertEquals(3, model.stream().filter(k -> k.endsWith("running_mean")).count(), model.toString());
    CliRun all = CliRun.run(cnn, "--freeze", "5");
    assertEquals("jgrad train: --freeze 5 leaves nothing to train: the network has 5 layers with weights; give at "
        + "most 4", all.err().strip());
  }
}
