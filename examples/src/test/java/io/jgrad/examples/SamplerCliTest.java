package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.datasets.Digits;
import io.jgrad.io.NumpyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --sampler balanced}: epochs drawn so that the classes come equally often, on the bundled digits with
 * classes 5 to 9 cut to a tenth of their training images (as an archive; the test part as bundled).
 */
class SamplerCliTest {
  @TempDir static Path dir;
  private static Path archive;

  private static final String[] SMALL = {"--dataset", "npz", "--hidden", "64", "--threads", "1", "--backend", "cpu",
    "--no-progress", "--epochs", "2"};

  @BeforeAll
  static void cutFiveClasses() throws IOException {
    TrainTestSplit digits = Digits.load();
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.putAll(images(digits.train(), "train", true));
    arrays.putAll(images(digits.test(), "test", false));
    archive = NumpyFiles.npz(dir.resolve("cut.npz"), arrays);
  }

  /** The examples as uint8 images and int64 labels; with {@code cut}, nine in ten of classes 5–9 left out. */
  private static Map<String, byte[]> images(LabeledData data, String part, boolean cut) {
    List<Integer> kept = new ArrayList<>();
    int[] seen = new int[10];
    for (int i = 0; i < data.size(); i++) {
      int c = data.labels()[i];
      if (!cut || c < 5 || seen[c]++ % 10 == 0) {
        kept.add(i);
      }
    }
    byte[] pixels = new byte[kept.size() * 784];
    long[] labels = new long[kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      int i = kept.get(k);
      for (int p = 0; p < 784; p++) {
        pixels[k * 784 + p] = (byte) Math.round(data.features()[i * 784 + p] * 255);
      }
      labels[k] = data.labels()[i];
    }
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("x_" + part, NumpyFiles.uint8(new int[] {kept.size(), 28, 28}, pixels));
    arrays.put("y_" + part, NumpyFiles.int64(new int[] {kept.size()}, labels));
    return arrays;
  }

  private static Map<String, String> summary(String... args) throws IOException {
    return CliRun.summaryOf(args, SMALL);
  }

  /** Balanced epochs tell the rare classes apart better: a higher macro F1 on the balanced test digits. */
  @Test
  void balancedEpochsLiftTheRareClasses() throws IOException {
    Map<String, String> shuffled = summary("train", "--data", archive.toString());
    Map<String, String> balanced = summary("train", "--data", archive.toString(), "--sampler", "balanced");
    assertEquals("balanced", balanced.get("sampler"));
    double before = Double.parseDouble(shuffled.get("test_macro_f1"));
    double after = Double.parseDouble(balanced.get("test_macro_f1"));
    assertTrue(after > before + 0.01, "macro F1 " + before + " → " + after);
  }

  /**
   * A run saved after one epoch and resumed (its data named again, as a resumed run's files are) draws the second
   * epoch's examples as the run of two did (a constant rate: the schedule is planned over the first run's epochs).
   */
  @Test
  void aResumedRunDrawsTheSameEpochs() throws IOException {
    Map<String, String> whole = summary("train", "--data", archive.toString(), "--sampler", "balanced", "--schedule",
        "constant");
    Path checkpoint = dir.resolve("run.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "npz", "--data", archive.toString(), "--sampler", "balanced",
        "--schedule", "constant", "--hidden", "64", "--threads", "1", "--backend", "cpu", "--no-progress", "--epochs",
        "1", "--save", checkpoint.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", checkpoint.toString(), "--data", archive.toString(), "--epochs",
        "2", "--threads", "1", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    Map<String, String> continued = resumed.summary();
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy")) {
      assertEquals(whole.get(figure), continued.get(figure), figure);
    }
  }

  @Test
  void misuseIsOneLine() {
    assertEquals("jgrad train: --sampler balanced and --class-weights both make up for rare classes: give one",
        CliRun.run("train", "--sampler", "balanced", "--class-weights", "balanced").err().strip());
    assertEquals("jgrad train: --sampler balanced draws the classes equally; --task regression has none",
        CliRun.run("train", "--dataset", "npz", "--data", archive.toString(), "--task", "regression", "--sampler",
            "balanced").err().strip());
  }
}
