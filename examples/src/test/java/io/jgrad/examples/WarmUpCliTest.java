package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --warm-up}: the throwaway steps run while the data loads must leave the run's results as they are
 * (same seed, same losses and accuracy with and without them), for the MLP with dropout and for the CNN (with
 * augmentation, so its data loader's draws are covered too).
 */
class WarmUpCliTest {
  @TempDir Path dir;

  @Test
  void theMlpRunIsTheSameWithAndWithoutTheWarmUp() throws IOException {
    String[] run = {"train", "--epochs", "1", "--hidden", "48,24", "--no-progress", "--backend", "cpu", "--seed", "3"};
    assertSameResults(CliRun.run(run, "--warm-up", "0"), CliRun.run(run, "--warm-up", "7"));
  }

  @Test
  void theCnnRunIsTheSameWithAndWithoutTheWarmUp() throws IOException {
    String[] run = JgradCliTest.cnnOnSyntheticCifar(dir, "--epochs", "1");
    assertSameResults(CliRun.run(run, "--warm-up", "0"), CliRun.run(run, "--warm-up", "2"));
  }

  private static void assertSameResults(CliRun without, CliRun with) throws IOException {
    assertEquals(0, without.code(), without.err());
    assertEquals(0, with.code(), with.err());
    Map<String, String> a = without.summary();
    Map<String, String> b = with.summary();
    for (String key : new String[] {"train_loss", "test_loss", "test_accuracy"}) {
      assertEquals(a.get(key), b.get(key), key + ": without the warm-up " + a + ", with it " + b);
    }
  }
}
