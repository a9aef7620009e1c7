package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --schedule plateau}: the rate lowered when the validation loss stops improving, as PyTorch's
 * ReduceLROnPlateau; a resumed run goes on at the rate it had reached.
 */
class PlateauCliTest {
  @TempDir Path dir;

  /** SGD at a rate too high for the digits, so that the validation loss stalls and the rate comes down. */
  private static final String[] JUMPY = {"--hidden", "64", "--threads", "1", "--backend", "cpu", "--no-progress",
    "--val-split", "0.1", "--optimizer", "sgd", "--lr", "0.5", "--schedule", "plateau", "--plateau-patience", "0",
    "--plateau-factor", "0.5"};

  /**
   * Each epoch's rate is the last one's, halved after an epoch whose validation loss was no lower than the best by
   * PyTorch's relative 1e-4; the run saved after two epochs and resumed ends as the four-epoch run.
   */
  @Test
  void theRateFallsAfterEachStalledEpochAndResumesWhereItWas() throws IOException {
    Path whole = dir.resolve("whole.jsonl");
    CliRun r = CliRun.run(new String[] {"train", "--epochs", "4", "--metrics", whole.toString()}, JUMPY);
    assertEquals(0, r.code(), r.err());
    List<Map<String, String>> lines = CliRun.jsonLines(whole);
    double best = Double.POSITIVE_INFINITY;
    double lr = 0.5;
    int lowered = 0;
    for (Map<String, String> line : lines) {
      assertEquals(lr, Double.parseDouble(line.get("lr")), 0, line.toString());
      double loss = Double.parseDouble(line.get("validation_loss"));
      if (loss < best * (1 - 1e-4)) {
        best = loss;
      } else {
        lr *= 0.5;
        lowered++;
      }
    }
    assertTrue(lowered >= 1 && lines.get(2).get("lr").equals("0.25"), "the case this test is for: " + lines);

    Path checkpoint = dir.resolve("run.safetensors");
    Path parts = dir.resolve("parts.jsonl");
    CliRun first = CliRun.run(new String[] {"train", "--epochs", "2", "--save", checkpoint.toString(), "--metrics",
      parts.toString()}, JUMPY);
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", checkpoint.toString(), "--epochs", "4", "--metrics",
        parts.toString(), "--no-progress", "--threads", "1");
    assertEquals(0, resumed.code(), resumed.err());
    List<Map<String, String>> continued = CliRun.jsonLines(parts);
    for (int e = 0; e < 4; e++) {
      for (String figure : List.of("lr", "train_loss", "validation_loss", "test_accuracy")) {
        assertEquals(lines.get(e).get(figure), continued.get(e).get(figure), "epoch " + (e + 1) + " " + figure);
      }
    }
    CliRun otherFactor = CliRun.run("train", "--resume", checkpoint.toString(), "--epochs", "4", "--plateau-factor",
        "0.1");
    assertEquals("jgrad train: --plateau-factor 0.1 contradicts " + checkpoint + ", a run with --plateau-factor 0.5; "
        + "leave --plateau-factor out to continue that run", otherFactor.err().strip());
  }

  @Test
  void misuseIsOneLine() {
    assertEquals("jgrad train: --schedule plateau lowers the rate when the validation loss stops improving: give "
        + "--val-split (the test set never picks a rate)", CliRun.run("train", "--schedule", "plateau").err().strip());
    assertEquals("jgrad train: --plateau-patience is for --schedule plateau",
        CliRun.run("train", "--plateau-patience", "2").err().strip());
    assertEquals("jgrad train: --plateau-factor must be in (0, 1), got 1.0", CliRun.run("train", "--schedule",
        "plateau", "--val-split", "0.1", "--plateau-factor", "1").err().strip());
    assertEquals("jgrad bench train: --schedule plateau counts epochs, which bench train does not run: time it as "
        + "constant", CliRun.run("bench", "train", "--schedule", "plateau").err().strip());
  }
}
