package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} continues the run the checkpoint recorded: options left out take the recorded values, an
 * option that contradicts them is an error naming both, and {@code --epochs} is the total.
 */
class ResumeSettingsTest {
  /** A constant rate, so that one epoch then one more follows the same schedule as two straight. */
  private static final String[] TRAIN = {"train", "--hidden", "16", "--batch", "256", "--threads", "1", "--backend",
      "cpu", "--no-progress", "--schedule", "constant"};

  @TempDir static Path dir;
  private static Path afterOne;
  private static CliRun straight;
  /** The summary of the run saved after epoch 1. */
  private static Map<String, String> firstSummary;

  /** A gelu SGD run saved after epoch 1, and the same run trained for two epochs without a break. */
  @BeforeAll
  static void geluRuns() throws IOException {
    afterOne = dir.resolve("gelu1.safetensors");
    CliRun first = train("--activation", "gelu", "--optimizer", "sgd", "--lr", "0.02", "--epochs", "1", "--save",
        afterOne.toString());
    assertEquals(0, first.code(), first.err());
    firstSummary = first.summary();
    straight = train("--activation", "gelu", "--optimizer", "sgd", "--lr", "0.02", "--epochs", "2");
    assertEquals(0, straight.code(), straight.err());
  }

  @Test
  void aRunResumedWithoutItsOptionsContinuesAsRecorded() throws IOException {
    Path afterTwo = dir.resolve("resumed2.safetensors");
    CliRun resumed = train("--resume", afterOne.toString(), "--epochs", "2", "--save", afterTwo.toString());
    assertEquals(0, resumed.code(), resumed.err());
    // gelu, sgd at 0.02: the same losses as the uninterrupted run, to the last digit
    assertEquals(straight.summary().get("test_loss"), resumed.summary().get("test_loss"));
    assertEquals(straight.summary().get("train_loss"), resumed.summary().get("train_loss"));
    assertEquals("gelu", TrainingCheckpoint.recordedConfig(afterTwo).get("activation"));
    assertEquals("0.02", TrainingCheckpoint.recordedConfig(afterTwo).get("lr"));
  }

  @Test
  void anOptionThatContradictsTheCheckpointIsAnErrorNamingBothValues() {
    CliRun r = train("--resume", afterOne.toString(), "--epochs", "2", "--activation", "relu");
    assertEquals(1, r.code());
    assertEquals("jgrad train: --activation relu contradicts " + afterOne + ", a run with --activation gelu; leave "
        + "--activation out to continue that run", r.errorLine());
    CliRun lr = train("--resume", afterOne.toString(), "--epochs", "2", "--lr", "1e-3");
    assertEquals(1, lr.code());
    assertTrue(lr.errorLine().contains("--lr 0.001 contradicts") && lr.errorLine().contains("--lr 0.02;"),
        lr.errorLine());
  }

  @Test
  void anOptionThatAgreesWithTheCheckpointIsAccepted() {
    CliRun r = train("--resume", afterOne.toString(), "--epochs", "2", "--activation", "gelu", "--lr", "2e-2");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void epochsCountsTheResumedOnes() throws IOException {
    CliRun r = train("--resume", afterOne.toString(), "--epochs", "2");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("epoch 1/2"), r.out());
    assertTrue(r.out().contains("epoch 2/2"), r.out());
    // At its total already: nothing trains, and the summary gives the checkpoint's test figures, not nulls.
    CliRun done = train("--resume", afterOne.toString(), "--epochs", "1");
    assertEquals(0, done.code(), done.err());
    assertFalse(done.out().contains("epoch 1/1"), done.out());
    assertEquals(firstSummary.get("test_loss"), done.summary().get("test_loss"));
    assertEquals(firstSummary.get("test_accuracy"), done.summary().get("test_accuracy"));
    assertNull(done.summary().get("train_loss"));
    CliRun fewer = train("--resume", afterOne.toString(), "--epochs", "0");
    assertEquals(1, fewer.code());
    assertEquals("jgrad train: --epochs 0 is the total, and " + afterOne + " has done 1 already", fewer.errorLine());
  }

  private static CliRun train(String... args) {
    return CliRun.run(TRAIN, args);
  }
}
