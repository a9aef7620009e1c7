package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --accumulate K}: K batches a step train as one batch K times larger, at one batch's memory. */
class AccumulateCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--hidden", "64", "--dropout", "0", "--threads", "1", "--backend", "cpu",
    "--no-progress"};

  private static Map<String, String> summary(String... args) throws IOException {
    return CliRun.summaryOf(args, SMALL);
  }

  /**
   * Batches of 32 two a step against batches of 64 (without dropout, whose masks are drawn a batch at a time): the same
   * test accuracy and losses to float32's rounding, the schedule over as many steps, half the activation memory.
   */
  @Test
  void twoBatchesOf32StepAsOneOf64AtHalfTheMemory() throws IOException {
    Map<String, String> accumulated = summary("train", "--epochs", "1", "--batch", "32", "--accumulate", "2");
    Map<String, String> whole = summary("train", "--epochs", "1", "--batch", "64");
    assertEquals("2", accumulated.get("accumulate"));
    assertEquals(whole.get("test_accuracy"), accumulated.get("test_accuracy"));
    for (String loss : new String[] {"train_loss", "test_loss"}) {
      assertEquals(Double.parseDouble(whole.get(loss)), Double.parseDouble(accumulated.get(loss)), 1e-6, loss);
    }
    assertEquals(Long.parseLong(whole.get("peak_activation_bytes")) / 2,
        Long.parseLong(accumulated.get("peak_activation_bytes")));
  }

  @Test
  void aResumedRunKeepsItAndMisuseIsOneLine() throws IOException {
    Path checkpoint = dir.resolve("run.safetensors");
    summary("train", "--epochs", "1", "--batch", "32", "--accumulate", "2", "--save", checkpoint.toString());
    CliRun other = CliRun.run("train", "--resume", checkpoint.toString(), "--epochs", "2", "--accumulate", "1");
    assertEquals("jgrad train: --accumulate 1 contradicts " + checkpoint + ", a run with --accumulate 2; leave "
        + "--accumulate out to continue that run", other.err().strip());
    Map<String, String> resumed = summary("train", "--resume", checkpoint.toString(), "--epochs", "2");
    assertEquals("2", resumed.get("accumulate"));
    assertEquals("jgrad train: --accumulate must be >= 1, got 0",
        CliRun.run("train", "--accumulate", "0").err().strip());
    assertEquals("jgrad train: --find-lr steps after every batch: leave --accumulate out (a rate for --accumulate 4 "
        + "is one for --batch 512)", CliRun.run("train", "--find-lr", "--accumulate", "4").err().strip());
  }
}
