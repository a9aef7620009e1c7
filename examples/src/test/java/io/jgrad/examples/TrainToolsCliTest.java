package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training tools through {@code jgrad train}: validation split, early stopping, save-best, periodic saves, CSV. */
class TrainToolsCliTest {
  private static final String[] TRAIN = {"train", "--hidden", "16", "--batch", "256", "--threads", "1", "--backend",
      "cpu", "--no-progress"};

  @TempDir Path dir;

  @Test
  void saveBestKeepsTheEpochWithTheLowestValidationLossInTheCsv() throws IOException {
    Path best = dir.resolve("best.safetensors");
    Path csv = dir.resolve("run.csv");
    Path last = dir.resolve("last.safetensors");
    CliRun r = CliRun.run(TRAIN, "--epochs", "3", "--val-split", "0.1", "--early-stop", "1", "--save-best",
        best.toString(), "--metrics", csv.toString(), "--save", last.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("val_loss"), r.out());
    List<String> rows = Files.readAllLines(csv);
    List<String> header = Arrays.asList(rows.get(0).split(","));
    int column = header.indexOf("validation_loss");
    assertTrue(column > 0, rows.get(0));
    int bestEpoch = 0;
    double lowest = Double.POSITIVE_INFINITY;
    for (String row : rows.subList(1, rows.size())) {
      String[] cells = row.split(",");
      if (Double.parseDouble(cells[column]) < lowest) {
        lowest = Double.parseDouble(cells[column]);
        bestEpoch = Integer.parseInt(cells[header.indexOf("epoch")]);
      }
    }
    assertEquals(String.valueOf(bestEpoch), epochsOf(best));
    // the every-epoch checkpoint records the best so far, for a resumed run's early stopping and save-best
    assertEquals(String.valueOf(bestEpoch),
        io.jgrad.io.Safetensors.read(last).metadata().get("jgrad.best.validation_loss.epoch"));
    assertEquals("0.1", TrainingCheckpoint.recordedConfig(best).get("val-split"));
  }

  /**
   * A CSV of a run without validation, appended to by one with it: one line before training, the file as it was
   * (the rows would have had two more cells than the header, every one after the learning rate under another name).
   */
  @Test
  void aCsvOfOtherColumnsIsRefusedBeforeTraining() throws IOException {
    Path csv = dir.resolve("plain.csv");
    CliRun first = CliRun.run(TRAIN, "--epochs", "1", "--metrics", csv.toString());
    assertEquals(0, first.code(), first.err());
    byte[] before = Files.readAllBytes(csv);
    CliRun r = CliRun.run(TRAIN, "--epochs", "1", "--val-split", "0.1", "--metrics", csv.toString());
    assertEquals(1, r.code());
    assertEquals("jgrad train: metrics file " + csv + " has a header of other columns (this run adds validation_loss, "
        + "validation_accuracy): a CSV's columns cannot change, so give a new file", r.errorLine());
    assertTrue(!r.out().contains("epoch 1/1"), r.out());
    assertEquals(Arrays.toString(before), Arrays.toString(Files.readAllBytes(csv)));
  }

  /** The CPU backends record no graph: --graphs trains each step as before, to the same loss, and says nothing. */
  @Test
  void graphsOnTheCpuTrainAsWithout() {
    CliRun plain = CliRun.run(TRAIN, "--epochs", "1");
    CliRun graphs = CliRun.run(TRAIN, "--epochs", "1", "--graphs");
    assertEquals(0, graphs.code(), graphs.err());
    assertEquals(trainLoss(plain.out()), trainLoss(graphs.out()));
    assertTrue(!graphs.out().contains("replayed_steps") && !graphs.err().contains("captured"), graphs.err());
  }

  private static String trainLoss(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"train_loss\":([0-9.eE-]+)").matcher(out);
    assertTrue(m.find(), out);
    return m.group(1);
  }

  @Test
  void saveEveryWithAnEpochPlaceholderKeepsOneFilePerSave() throws IOException {
    CliRun r = CliRun.run(TRAIN, "--epochs", "3", "--save-every", "2", "--save",
        dir.resolve("run-{epoch}.safetensors").toString());
    assertEquals(0, r.code(), r.err());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("run-2.safetensors", "run-3.safetensors"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void earlyStoppingAndSaveBestNeedAValidationSplit() {
    CliRun r = CliRun.run(TRAIN, "--epochs", "2", "--early-stop", "2");
    assertEquals(1, r.code());
    assertEquals("jgrad train: --early-stop needs --val-split (a fraction of the training set to watch; the test set "
        + "never picks a model)", r.errorLine());
    CliRun s = CliRun.run(TRAIN, "--epochs", "2", "--save-best", dir.resolve("b.safetensors").toString());
    assertEquals(1, s.code());
    assertTrue(s.errorLine().startsWith("jgrad train: --save-best needs --val-split"), s.errorLine());
  }

  /**
   * A run and its resumption write one event file each into the folder (made, with its parent), the second's epoch
   * following the first's. The records' bytes are checked against TensorBoard's in the tools module's test; here, that
   * the command writes them.
   */
  @Test
  void tensorboardGetsAnEventFilePerRunInOneFolder() throws IOException {
    Path folder = dir.resolve("runs").resolve("digits");
    Path checkpoint = dir.resolve("run.safetensors");
    CliRun first = CliRun.run(TRAIN, "--epochs", "2", "--tensorboard", folder.toString(), "--save",
        checkpoint.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run(TRAIN, "--epochs", "3", "--tensorboard", folder.toString(), "--resume",
        checkpoint.toString());
    assertEquals(0, resumed.code(), resumed.err());
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.sorted().toList();
    }
    assertEquals(2, files.size(), files.toString());
    for (Path f : files) {
      assertTrue(f.getFileName().toString().startsWith("events.out.tfevents."), f.toString());
      String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("brain.Event:2") && text.contains("train/loss") && text.contains("test/accuracy")
          && text.contains("grad_norm/"), f.toString());
    }
  }

  private static String epochsOf(Path checkpoint) {
    return io.jgrad.io.Safetensors.read(checkpoint).metadata().get("jgrad.epochs");
  }
}
