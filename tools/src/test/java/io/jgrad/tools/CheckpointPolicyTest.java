package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.EpochMetrics;
import io.jgrad.train.Monitor;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** When {@link CheckpointWriter} writes: every n epochs and the last, or only at a new best; where: {epoch}. */
class CheckpointPolicyTest extends ScalarBackendTest {
  static EpochMetrics epoch(int n, double validationLoss) {
    return new EpochMetrics(n, 1, 1, 0.5, validationLoss, 0.5, Double.NaN, Double.NaN, 1e-3, 1, 1, 0, 0,
        Map.of());
  }

  @Test
  void everyNEpochsAndTheLastOneEachInItsOwnFile() throws IOException {
    try (ToyRun run = new ToyRun(backend)) {
      CheckpointWriter w = new CheckpointWriter(dir.resolve("run-{epoch}.safetensors"), run.model, run.opt, Map.of(),
          Map.of()).every(2);
      for (int e = 1; e <= 5; e++) {
        w.epochStarted(e, 5, 6);
        w.epochFinished(epoch(e, 1));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("run-2.safetensors", "run-4.safetensors", "run-5.safetensors"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void onlyWhenBestWritesAtEachNewLowestValidationLoss() {
    Path best = dir.resolve("best.safetensors");
    try (ToyRun run = new ToyRun(backend)) {
      CheckpointWriter w = new CheckpointWriter(best, run.model, run.opt, Map.of(), Map.of("run", "a"))
          .onlyWhenBest(Monitor.VALIDATION_LOSS, 0)
          .metadata(Map.of("jgrad.model.kind", "mlp"));
      w.epochStarted(1, 4, 6);
      w.epochFinished(epoch(1, 1.0));
      assertEquals(1, savedEpochs(best, run));
      w.epochFinished(epoch(2, 0.5));
      assertEquals(2, savedEpochs(best, run));
      w.epochFinished(epoch(3, 0.7));
      w.epochFinished(epoch(4, Double.NaN));
      assertEquals(2, savedEpochs(best, run));
    }
    assertTrue(io.jgrad.io.Safetensors.read(best).metadata().containsKey("jgrad.model.kind"));
    assertFalse(Files.exists(dir.resolve("best-{epoch}.safetensors")));
  }

  @Test
  void aResumedSaveBestWritesOnlyWhatBeatsTheRecordedBest() {
    Path best = dir.resolve("resumed-best.safetensors");
    try (ToyRun run = new ToyRun(backend)) {
      CheckpointWriter w = new CheckpointWriter(best, run.model, run.opt, Map.of(), Map.of())
          .onlyWhenBest(Monitor.VALIDATION_LOSS, 0)
          .restoreBest(Map.of("jgrad.best.validation_loss", "0.4", "jgrad.best.validation_loss.epoch", "3"));
      w.epochStarted(4, 6, 6);
      w.epochFinished(epoch(4, 0.5));
      assertFalse(Files.exists(best));
      w.epochFinished(epoch(5, 0.3));
      assertEquals(5, savedEpochs(best, run));
      assertEquals("0.3", io.jgrad.io.Safetensors.read(best).metadata().get("jgrad.best.validation_loss"));
    }
  }

  private static int savedEpochs(Path file, ToyRun run) {
    try (ToyRun fresh = new ToyRun(backend)) {
      return TrainingCheckpoint.load(file, fresh.model, fresh.opt, Map.of()).epochs();
    }
  }
}
