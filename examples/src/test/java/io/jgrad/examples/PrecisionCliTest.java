package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --precision}: bf16 trains, its summary says so, and it saves half the activation bytes of fp32; a checkpoint
 * records it, so a resume continues in it (the same losses as a run without the break) and refuses another.
 */
class PrecisionCliTest {
  @TempDir static Path dir;

  @Test
  void bf16TrainsAndTheSummaryRecordsThePrecision() throws IOException {
    Map<String, String> fp32 = train("fp32");
    Map<String, String> bf16 = train("bf16");
    assertEquals("fp32", fp32.get("precision"));
    assertEquals("bf16", bf16.get("precision"));
    assertTrue(Double.parseDouble(bf16.get("test_accuracy")) > 0.85, bf16.toString());
    double ratio = Double.parseDouble(bf16.get("peak_activation_bytes"))
        / Double.parseDouble(fp32.get("peak_activation_bytes"));
    assertTrue(ratio <= 0.55, "bf16 / fp32 activation bytes " + ratio);
  }

  @Test
  void anUnknownPrecisionIsAOneLineError() {
    CliRun r = CliRun.run("train", "--precision", "fp8", "--epochs", "1");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.errorLine().contains("unknown --precision 'fp8'; expected fp32, bf16 or fp16"), r.errorLine());
  }

  @Test
  void aCheckpointRecordsThePrecisionAndAResumeKeepsIt() throws IOException {
    String[] run = {"train", "--hidden", "16", "--batch", "256", "--threads", "1", "--backend", "cpu", "--no-progress",
        "--schedule", "constant", "--precision", "bf16"};
    Path afterOne = dir.resolve("bf16.safetensors");
    CliRun first = CliRun.run(run, "--epochs", "1", "--save", afterOne.toString());
    assertEquals(0, first.code(), first.err());
    assertEquals("bf16", TrainingCheckpoint.recordedConfig(afterOne).get("precision"));

    String[] resume = {"train", "--threads", "1", "--backend", "cpu", "--no-progress", "--resume", afterOne.toString(),
        "--epochs", "2"};
    CliRun resumed = CliRun.run(resume);
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("bf16", resumed.summary().get("precision"));
    CliRun straight = CliRun.run(run, "--epochs", "2");
    assertEquals(0, straight.code(), straight.err());
    assertEquals(straight.summary().get("train_loss"), resumed.summary().get("train_loss"));
    assertEquals(straight.summary().get("test_loss"), resumed.summary().get("test_loss"));

    CliRun other = CliRun.run(resume, "--precision", "fp32");
    assertEquals(1, other.code());
    assertEquals("jgrad train: --precision fp32 contradicts " + afterOne + ", a run with --precision bf16; leave "
        + "--precision out to continue that run", other.errorLine());

    CliRun eval = CliRun.run("eval", "--model", afterOne.toString(), "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    assertEquals("bf16", eval.summary().get("trained_precision"), eval.out());
  }

  private static Map<String, String> train(String precision) throws IOException {
    CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "64", "--lr", "0.003", "--no-progress", "--backend",
        "cpu", "--precision", precision);
    assertEquals(0, r.code(), r.err());
    return r.summary();
  }
}
