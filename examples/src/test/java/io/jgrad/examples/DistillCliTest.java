package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --teacher MODEL}: a small MLP taught by a model file of the same classes; a resumed run is taught alike;
 * misuse is one line.
 */
class DistillCliTest {
  @TempDir static Path dir;
  private static Path teacher;

  private static final String[] SMALL = {"--hidden", "16", "--threads", "1", "--backend", "cpu", "--no-progress",
    "--schedule", "constant"};

  @BeforeAll
  static void trainTheTeacher() throws IOException {
    teacher = dir.resolve("teacher.safetensors");
    CliRun.summaryOf(new String[] {"train", "--epochs", "1", "--hidden", "64", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--save", teacher.toString()});
  }

  private static Map<String, String> summary(String... args) throws IOException {
    return CliRun.summaryOf(args, SMALL);
  }

  /** One epoch, then a resume to two: the teacher read again from the recorded path, the figures of two in one run. */
  @Test
  void aStudentIsTaughtAndAResumedOneAlike() throws IOException {
    Map<String, String> taught = summary("train", "--epochs", "2", "--teacher", teacher.toString(),
        "--distill-temperature", "3", "--distill-weight", "0.5");
    Map<String, String> alone = summary("train", "--epochs", "2");
    assertEquals(teacher.toString(), taught.get("teacher"));
    assertEquals("3.0", taught.get("distill_temperature"));
    assertEquals("0.5", taught.get("distill_weight"));
    assertNotEquals(alone.get("train_loss"), taught.get("train_loss"), "the loss holds the teacher's term");
    Path file = dir.resolve("student.safetensors");
    summary("train", "--epochs", "1", "--teacher", teacher.toString(), "--distill-temperature", "3",
        "--distill-weight", "0.5", "--save", file.toString());
    Map<String, String> resumed = summary("train", "--epochs", "2", "--resume", file.toString());
    assertEquals(teacher.toString(), resumed.get("teacher"));
    for (String figure : new String[] {"test_accuracy", "test_loss", "train_loss"}) {
      assertEquals(taught.get(figure), resumed.get(figure), figure);
    }
  }

  @Test
  void misuseIsOneLine() throws IOException {
    assertEquals("jgrad train: --distill-weight is for --teacher",
        CliRun.run(new String[] {"train", "--distill-weight", "0.5"}, SMALL).errorLine());
    assertEquals("jgrad train: --distill-weight must be in [0, 1], got 1.5", CliRun.run(new String[] {"train",
        "--teacher", teacher.toString(), "--distill-weight", "1.5"}, SMALL).errorLine());
    assertEquals("jgrad train: --teacher and --mixup both change what the loss compares with: give one",
        CliRun.run(new String[] {"train", "--teacher", teacher.toString(), "--mixup", "0.2"}, SMALL).errorLine());
    Path rows = Files.writeString(dir.resolve("churn.csv"), RankingCliTest.rows(60, 1));
    assertEquals("jgrad train: --teacher's model reads 784 values an example; the data's examples have 2",
        CliRun.run(new String[] {"train", "--dataset", "csv", "--data", rows.toString(),
            "--teacher", teacher.toString()}, SMALL).errorLine());
  }
}
