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
 * better) instead of the loss, as Keras' {@code monitor="val_accuracy"}; a resumed run goes on watching it. A
 * classifier's {@code val-roc-auc} and {@code val-macro-f1} likewise, each epoch's figures in the metrics files.
 */
class MonitorCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--hidden", "64", "--threads", "1", "--backend", "cpu", "--no-progress",
      "--val-split", "0.1"};

  @Test
  void theBestEpochIsTheFirstOfTheHighestValidationAccuracy() throws IOException {
    theBestEpochIsTheFirstOfTheHighest("val-accuracy", "validation_accuracy");
  }

  /** A table of two classes that no model ranks all right: the area under the validation part's ROC curve picks. */
  @Test
  void theBestEpochIsTheFirstOfTheHighestValidationRocAuc() throws IOException {
    Path table = Files.writeString(dir.resolve("churn.csv"), RankingCliTest.rows(600, 3));
    Map<String, String> last = theBestEpochIsTheFirstOfTheHighest("val-roc-auc", "validation_roc_auc", "--dataset",
        "csv", "--data", table.toString(), "--label-column", "churn", "--hidden", "16", "--batch", "32");
    double f1 = Double.parseDouble(last.get("validation_macro_f1"));
    assertTrue(f1 > 0.5 && f1 < 1, "each epoch's macro F1 beside its ROC AUC: " + f1);
    Path csv = dir.resolve("m.csv");
    CliRun r = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--label-column",
        "churn", "--epochs", "2", "--early-stop", "2", "--monitor", "val-macro-f1", "--metrics", csv.toString()},
        SMALL);
    assertEquals(0, r.code(), r.err());
    String header = Files.readAllLines(csv).get(0);
    assertTrue(header.contains(",validation_macro_f1,validation_roc_auc,"), header);
  }

  /** Runs train watching {@code monitor} and checks its choice against the metrics lines; returns the last line. */
  private Map<String, String> theBestEpochIsTheFirstOfTheHighest(String monitor, String field, String... data)
      throws IOException {
    Path metrics = dir.resolve(monitor + ".jsonl");
    Path best = dir.resolve(monitor + ".safetensors");
    String[] args = {"train", "--epochs", "8", "--early-stop", "2", "--monitor", monitor, "--metrics",
        metrics.toString(), "--save-best", best.toString()};
    String[] all = java.util.Arrays.copyOf(args, args.length + data.length);
    System.arraycopy(data, 0, all, args.length, data.length);
    CliRun r = CliRun.run(all, SMALL);
    assertEquals(0, r.code(), r.err());
    Map<String, String> summary = r.summary();
    assertEquals(monitor, summary.get("monitor"));
    List<String> epochs = Files.readAllLines(metrics);
    int first = 0;
    double highest = -1;
    int sinceBest = 0;
    for (String line : epochs) {
      double value = Double.parseDouble(CliRun.fields(line).get(field));
      sinceBest++;
      if (value > highest) {
        highest = value;
        first = Integer.parseInt(CliRun.fields(line).get("epoch"));
        sinceBest = 0;
      }
    }
    assertTrue(epochs.size() == 8 || sinceBest == 2, "stopped after 2 epochs without a higher " + field + ": "
        + epochs);
    if (first != epochs.size()) {
      assertEquals(Integer.toString(first), summary.get("best_epoch"), summary.toString());
    }
    Map<String, String> saved = TrainingCheckpoint.recordedConfig(best);
    assertEquals(monitor, saved.get("monitor"));
    Map<String, String> meta = Safetensors.read(best).metadata();
    assertTrue(meta.containsKey("jgrad.best." + field), meta.keySet().toString());
    assertEquals(Integer.toString(first), meta.get("jgrad.best." + field + ".epoch"),
        "--save-best kept the first epoch of the highest " + field);
    return CliRun.fields(epochs.get(epochs.size() - 1));
  }

  @Test
  void misuseIsOneLine() throws IOException {
    CliRun alone = CliRun.run(new String[] {"train", "--monitor", "val-accuracy"}, SMALL);
    assertEquals("jgrad train: --monitor is for --early-stop, --save-best and --schedule plateau (what they "
        + "watch)", alone.err().strip());
    CliRun test = CliRun.run(new String[] {"train", "--monitor", "test-accuracy", "--early-stop", "2"}, SMALL);
    assertEquals("jgrad train: unknown --monitor 'test-accuracy'; expected val-loss, val-accuracy, val-macro-f1 or "
        + "val-roc-auc", test.err().strip());
    Path table = Files.writeString(dir.resolve("prices.csv"), "x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n");
    CliRun regression = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--task",
        "regression", "--monitor", "val-roc-auc", "--early-stop", "2"}, SMALL);
    assertEquals("jgrad train: --monitor val-roc-auc ranks a classifier's validation examples; --task regression has "
        + "no classes to rank: watch val-loss", regression.errorLine());
  }
}
