package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.Safetensors;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --monitor val-accuracy}: early stopping and {@code --save-best} watch the validation accuracy (higher is
 * better) instead of the loss, as Keras' {@code monitor="val_accuracy"}; a resumed run goes on watching it.
 */
class MonitorCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--hidden", "64", "--threads", "1", "--backend", "cpu", "--no-progress",
      "--val-split", "0.1"};

  @Test
  void theBestEpochIsTheFirstOfTheHighestValidationAccuracy() throws IOException {
    Path metrics = dir.resolve("m.jsonl");
    Path best = dir.resolve("best.safetensors");
    CliRun r = CliRun.run(new String[] {"train", "--epochs", "8", "--early-stop", "2", "--monitor", "val-accuracy",
        "--metrics", metrics.toString(), "--save-best", best.toString()}, SMALL);
    assertEquals(0, r.code(), r.err());
    Map<String, String> summary = r.summary();
    assertEquals("val-accuracy", summary.get("monitor"));
    List<String> epochs = Files.readAllLines(metrics);
    int first = 0;
    double highest = -1;
    int sinceBest = 0;
    for (String line : epochs) {
      double accuracy = Double.parseDouble(CliRun.fields(line).get("validation_accuracy"));
      sinceBest++;
      if (accuracy > highest) {
        highest = accuracy;
        first = Integer.parseInt(CliRun.fields(line).get("epoch"));
        sinceBest = 0;
      }
    }
    assertTrue(epochs.size() == 8 || sinceBest == 2, "stopped after 2 epochs without a higher accuracy: " + epochs);
    if (first != epochs.size()) {
      assertEquals(Integer.toString(first), summary.get("best_epoch"), summary.toString());
    }
    Map<String, String> saved = TrainingCheckpoint.recordedConfig(best);
    assertEquals("val-accuracy", saved.get("monitor"));
    assertEquals(Integer.toString(first), bestEpoch(best), "--save-best kept the first epoch of the highest accuracy");
  }

  /** The epoch the save-best checkpoint was written after, and the best accuracy it records for a resumed run. */
  private static String bestEpoch(Path checkpoint) {
    Map<String, String> meta = Safetensors.read(checkpoint).metadata();
    assertTrue(meta.containsKey("jgrad.best.validation_accuracy"), meta.keySet().toString());
    return meta.get("jgrad.best.validation_accuracy.epoch");
  }

  @Test
  void misuseIsOneLine() {
    CliRun alone = CliRun.run(new String[] {"train", "--monitor", "val-accuracy"}, SMALL);
    assertEquals("jgrad train: --monitor is for --early-stop, --save-best and --schedule plateau (what they "
        + "watch)", alone.err().strip());
    CliRun test = CliRun.run(new String[] {"train", "--monitor", "test-accuracy", "--early-stop", "2"}, SMALL);
    assertEquals("jgrad train: unknown --monitor 'test-accuracy'; expected val-loss or val-accuracy",
        test.err().strip());
  }
}
