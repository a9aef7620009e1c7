package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainingCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each listener, added in one line to a plain {@code Trainer}, leaves what it promises after a two-epoch run. */
class ListenersTest extends ScalarBackendTest {
  @Test
  void theListenersWriteMetricsPlotsCheckpointsAndProgress() throws IOException {
    Path metrics = dir.resolve("run.jsonl");
    Path png = dir.resolve("curves.png");
    Path checkpoint = dir.resolve("run.safetensors");
    ByteArrayOutputStream summaries = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (ToyRun run = new ToyRun(backend)) {
      run.trainer
          .listener(ProgressListener.lines(utf8(summaries), utf8(progress)))
          .listener(new MetricsFile(metrics, Map.of("dataset", "clusters")))
          .listener(new CurvePlotListener(png, "toy"))
          .listener(new CheckpointWriter(checkpoint, run.model, run.opt, Map.of("dropout", run.dropoutRng),
              Map.of("note", "toy")));
      run.trainer.fit(run.train, run.test, 2);

      List<String> lines = Files.readAllLines(metrics);
      assertEquals(2, lines.size());
      assertTrue(lines.get(1).startsWith("{\"event\":\"epoch\",\"dataset\":\"clusters\",\"epoch\":2,\"train_loss\":"),
          lines.get(1));
      byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
      try (ToyRun fresh = new ToyRun(backend)) {
        TrainingCheckpoint.Restored r =
            TrainingCheckpoint.load(checkpoint, fresh.model, fresh.opt, Map.of("dropout", fresh.dropoutRng));
        assertEquals(2, r.epochs());
        assertEquals(Map.of("note", "toy"), r.config());
        assertArrayEquals(run.model.parameters().get(0).value().toFloatArray(),
            fresh.model.parameters().get(0).value().toFloatArray());
      }
    }
    String out = summaries.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("epoch 1/2  train_loss ") && out.contains("\nepoch 2/2  train_loss "), out);
    // 6 steps an epoch: a line at every step (a tenth of 6 rounds down to 1)
    assertEquals(12, progress.toString(StandardCharsets.UTF_8).lines().count());
  }

  /** An epoch's line carries the validation ranking figures where the fit measured them, and leaves them out else. */
  @Test
  void theProgressLineShowsTheValidationRankingWhereMeasured() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressListener listener = ProgressListener.lines(utf8(out), utf8(new ByteArrayOutputStream()));
    listener.epochStarted(1, 2, 4);
    listener.epochFinished(new EpochMetrics(1, 0.5, 0.25, 0.75, 0.375, 0.625, 0.5625, 0.875, 1e-3, 100, 1, 0, 0,
        Map.of()));
    listener.epochStarted(2, 2, 4);
    double nan = Double.NaN;
    listener.epochFinished(new EpochMetrics(2, 0.5, 0.25, 0.75, 0.375, 0.625, nan, nan, 1e-3, 100, 1, 0, 0, Map.of()));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(0).contains("val_accuracy 0.6250  val_macro_f1 0.5625  val_roc_auc 0.8750  test_loss"),
        lines.get(0));
    assertTrue(lines.get(1).contains("val_accuracy 0.6250  test_loss") && !lines.get(1).contains("val_roc_auc"),
        lines.get(1));
  }

  @Test
  void aCsvMetricsFileHasAHeaderThenOneRowPerEpochWithEmptyCellsForMissingValues() throws IOException {
    Path csv = dir.resolve("run.csv");
    fitWithCsv(csv, "clusters, toy", 2);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(3, lines.size());
    assertEquals("dataset,epoch,train_loss,test_loss,test_accuracy,lr,samples_per_sec,seconds,"
        + "peak_activation_bytes,skipped_steps", lines.get(0));
    assertTrue(lines.get(2).startsWith("\"clusters, toy\",2,"), lines.get(2));
    String[] cells = lines.get(2).substring("\"clusters, toy\",".length()).split(",", -1);
    assertEquals(9, cells.length);
    assertEquals("", cells[2]); // no test set: no test loss
    assertTrue(Double.parseDouble(cells[1]) > 0, lines.get(2));
  }

  /** Rows of other columns are never appended under a header: said before the fit, and refused at an epoch's end. */
  @Test
  void aCsvMetricsFileRefusesAHeaderOfOtherColumns() throws IOException {
    Path csv = dir.resolve("other.csv");
    fitWithCsv(csv, "toy", 1);
    byte[] before = Files.readAllBytes(csv);
    CsvMetricsFile withValidation = new CsvMetricsFile(csv, Map.of("dataset", "toy"));
    withValidation.checkColumns(false); // the same columns: accepted
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withValidation.checkColumns(true));
    assertEquals("metrics file " + csv + " has a header of other columns (this run adds validation_loss, "
        + "validation_accuracy): a CSV's columns cannot change, so give a new file", e.getMessage());
    try (ToyRun run = new ToyRun(backend)) {
      run.trainer.validation(run.test).listener(withValidation);
      assertThrows(IllegalArgumentException.class, () -> run.trainer.fit(run.train, null, 1));
    }
    assertArrayEquals(before, Files.readAllBytes(csv));
    e = assertThrows(IllegalArgumentException.class,
        () -> new CsvMetricsFile(csv, Map.of("dataset", "toy", "backend", "cpu")).checkColumns(false));
    assertTrue(e.getMessage().contains("(this run adds backend)"), e.getMessage());
  }

  /** The toy run for {@code epochs} epochs without test or validation data, its rows in {@code csv}. */
  private void fitWithCsv(Path csv, String dataset, int epochs) {
    try (ToyRun run = new ToyRun(backend)) {
      run.trainer.listener(new CsvMetricsFile(csv, Map.of("dataset", dataset)));
      run.trainer.fit(run.train, null, epochs);
    }
  }

  private static PrintStream utf8(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
