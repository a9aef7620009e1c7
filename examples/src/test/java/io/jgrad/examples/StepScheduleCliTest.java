package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --schedule step}: the rate multiplied by --lr-gamma every --lr-step-epochs epochs, as StepLR. */
class StepScheduleCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--hidden", "32", "--threads", "1", "--backend", "cpu", "--no-progress",
    "--schedule", "step", "--lr-step-epochs", "2", "--lr-gamma", "0.5", "--accumulate", "3"};

  /**
   * Epochs 1–5 at 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4 (PyTorch's StepLR(step_size=2, gamma=0.5) stepped once an epoch),
   * with the epochs' steps counted as optimizer steps (here three batches each); resumed after epoch 2, the same.
   */
  @Test
  void theRateHalvesEveryTwoEpochsAndResumes() throws IOException {
    Path whole = dir.resolve("whole.jsonl");
    CliRun r = CliRun.run(new String[] {"train", "--epochs", "5", "--metrics", whole.toString()}, SMALL);
    assertEquals(0, r.code(), r.err());
    List<Map<String, String>> lines = CliRun.jsonLines(whole);
    double[] rates = {1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4};
    for (int e = 0; e < 5; e++) {
      assertEquals(rates[e], Double.parseDouble(lines.get(e).get("lr")), 1e-18, "epoch " + (e + 1));
    }
    Path checkpoint = dir.resolve("run.safetensors");
    Path parts = dir.resolve("parts.jsonl");
    assertEquals(0, CliRun.run(new String[] {"train", "--epochs", "2", "--save", checkpoint.toString(), "--metrics",
      parts.toString()}, SMALL).code());
    CliRun resumed = CliRun.run("train", "--resume", checkpoint.toString(), "--epochs", "5", "--metrics",
        parts.toString(), "--no-progress", "--threads", "1");
    assertEquals(0, resumed.code(), resumed.err());
    List<Map<String, String>> continued = CliRun.jsonLines(parts);
    for (int e = 0; e < 5; e++) {
      assertEquals(lines.get(e).get("lr"), continued.get(e).get("lr"), "epoch " + (e + 1));
      assertEquals(lines.get(e).get("train_loss"), continued.get(e).get("train_loss"), "epoch " + (e + 1));
    }
  }

  @Test
  void misuseIsOneLine() {
    assertEquals("jgrad train: --schedule step needs --lr-step-epochs (the epochs between two reductions of the rate, "
        + "StepLR's step_size)", CliRun.run("train", "--schedule", "step").err().strip());
    assertEquals("jgrad train: --lr-gamma is for --schedule step", CliRun.run("train", "--lr-gamma", "0.5").err()
        .strip());
    assertEquals("jgrad train: --lr-step-epochs must be >= 1, got 0", CliRun.run("train", "--schedule", "step",
        "--lr-step-epochs", "0").err().strip());
    assertEquals("jgrad train: --lr-gamma must be a finite number > 0, got -0.5", CliRun.run("train", "--schedule",
        "step", "--lr-step-epochs", "2", "--lr-gamma", "-0.5").err().strip());
  }
}
