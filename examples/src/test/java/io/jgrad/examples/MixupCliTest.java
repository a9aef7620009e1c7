package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --mixup ALPHA} and {@code --cutmix ALPHA}: a classifier trained on mixed batches; a resumed run mixes
 * alike; misuse is a line.
 */
class MixupCliTest {
  @TempDir Path dir;

  /** One epoch, then a resume to two: the same draws (blends and boxes), so the figures of two epochs in one run. */
  @Test
  void aResumedRunMixesAsTheUninterruptedOne() throws IOException {
    Path file = dir.resolve("run.safetensors");
    Map<String, String> straight = CliRun.smallSummary("train", "--epochs", "2", "--mixup", "0.4", "--cutmix",
        "1");
    Map<String, String> plain = CliRun.smallSummary("train", "--epochs", "2");
    Map<String, String> blended = CliRun.smallSummary("train", "--epochs", "2", "--mixup", "0.4");
    assertEquals("0.4", straight.get("mixup"));
    assertEquals("1.0", straight.get("cutmix"));
    assertNotEquals(plain.get("train_loss"), blended.get("train_loss"), "the mixed batches' loss is another");
    assertNotEquals(blended.get("train_loss"), straight.get("train_loss"), "half the batches cut instead");
    CliRun.smallSummary("train", "--epochs", "1", "--mixup", "0.4", "--cutmix", "1", "--save", file.toString());
    Map<String, String> resumed = CliRun.smallSummary("train", "--epochs", "2", "--resume", file.toString());
    assertEquals("0.4", resumed.get("mixup"));
    assertEquals("1.0", resumed.get("cutmix"));
    for (String figure : new String[] {"test_accuracy", "test_loss"}) {
      assertEquals(straight.get(figure), resumed.get(figure), figure);
    }
  }

  @Test
  void misuseIsOneLine() throws IOException {
    assertEquals("jgrad train: --mixup must be > 0, Beta(ALPHA, ALPHA)'s parameter such as 0.2 (0: off), got -1.0",
        CliRun.run("train", "--mixup", "-1").errorLine());
    Path table = Files.writeString(dir.resolve("prices.csv"), "x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n");
    assertEquals("jgrad train: --mixup blends a classifier's examples with their classes; --task regression has none",
        CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression", "--mixup", "0.2")
            .errorLine());
    Path rows = Files.writeString(dir.resolve("churn.csv"), RankingCliTest.rows(40, 1));
    assertEquals("jgrad train: --cutmix pastes a box of one image into another; this data's examples are of shape [2], "
        + "not images: use --mixup", CliRun.run(new String[] {"train", "--dataset", "csv", "--data", rows.toString(),
            "--cutmix", "1"}, CliRun.SMALL_CONSTANT_RATE).errorLine());
  }
}
