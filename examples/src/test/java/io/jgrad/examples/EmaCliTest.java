package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --ema DECAY}: the run scores and keeps the moving average of its weights, which the saved file gives to
 * eval; a resumed run continues it exactly; misuse is one line.
 */
class EmaCliTest {
  @TempDir Path dir;

  @Test
  void theSavedModelIsTheAverageThatTheRunScored() throws IOException {
    Path file = dir.resolve("ema.safetensors");
    Map<String, String> averaged = CliRun.smallSummary("train", "--epochs", "2", "--ema", "0.9", "--save",
        file.toString());
    Map<String, String> plain = CliRun.smallSummary("train", "--epochs", "2");
    assertEquals("0.9", averaged.get("ema"));
    assertEquals(plain.get("train_loss"), averaged.get("train_loss"), "the average leaves the training as it was");
    assertNotEquals(plain.get("test_loss"), averaged.get("test_loss"), "the average is scored, not the last weights");
    CliRun eval = CliRun.run("eval", "--model", file.toString(), "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    assertEquals(averaged.get("test_accuracy"), eval.summary().get("accuracy"));
    CliRun described = CliRun.run("summary", "--model", file.toString());
    assertEquals("exponential moving average, decay 0.9", described.summary().get("weights"));
  }

  /** One epoch, then a resume to two: the same average, so the same figures, as two epochs in one run. */
  @Test
  void aResumedRunContinuesTheAverageExactly() throws IOException {
    Path file = dir.resolve("run.safetensors");
    Map<String, String> straight = CliRun.smallSummary("train", "--epochs", "2", "--ema", "0.95");
    CliRun.smallSummary("train", "--epochs", "1", "--ema", "0.95", "--save", file.toString());
    Map<String, String> resumed = CliRun.smallSummary("train", "--epochs", "2", "--resume", file.toString());
    assertEquals("0.95", resumed.get("ema"));
    for (String figure : new String[] {"test_accuracy", "test_loss"}) {
      assertEquals(straight.get(figure), resumed.get(figure), figure);
    }
    CliRun other = CliRun.run("train", "--resume", file.toString(), "--epochs", "2", "--ema", "0.9");
    assertEquals("jgrad train: --ema 0.9 contradicts " + file + ", a run with --ema 0.95; leave --ema out to continue "
        + "that run", other.errorLine());
  }

  @Test
  void aDecayOutsideZeroToOneIsRefusedAndOneTooLongForTheRunIsSaid() throws IOException {
    for (String decay : new String[] {"1", "-0.5", "1.5"}) {
      assertEquals("jgrad train: --ema must be in (0, 1), a decay such as 0.999 (0: off), got "
          + Double.parseDouble(decay), CliRun.run("train", "--ema", decay).errorLine());
    }
    CliRun longer = CliRun.run(new String[] {"train", "--epochs", "1", "--ema", "0.999"}, CliRun.SMALL_CONSTANT_RATE);
    assertEquals(0, longer.code(), longer.err());
    assertTrue(longer.err().contains("--ema 0.999 leaves the starting weights 0.94 of the average after this run's 63 "
        + "steps"), longer.err());
  }
}
