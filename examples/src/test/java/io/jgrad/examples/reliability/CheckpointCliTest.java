package io.jgrad.examples.reliability;

import io.jgrad.examples.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged checkpoints through the command line: a corrupt or truncated file given to {@code --resume} is a one-line
 * error naming it, and {@code --resume DIR} passes over it to the newest checkpoint that reads back whole.
 */
class CheckpointCliTest {
  private static final String[] TRAIN = {"train", "--hidden", "16", "--batch", "256", "--threads", "1", "--backend",
      "cpu", "--no-progress"};

  private static final String OLDER = "epoch1.safetensors";
  private static final String NEWER = "epoch2.safetensors";

  @TempDir static Path trained;
  @TempDir Path dir;
  private Path older;
  private Path newer;

  /** Two checkpoints of one run, trained once for all tests: after epoch 1 and after epoch 2. */
  @BeforeAll
  static void twoCheckpoints() {
    CliRun first = train("--epochs", "1", "--save", trained.resolve(OLDER).toString());
    assertEquals(0, first.code(), first.err());
    CliRun second = train("--epochs", "2", "--resume", trained.resolve(OLDER).toString(), "--save",
        trained.resolve(NEWER).toString());
    assertEquals(0, second.code(), second.err());
  }

  /** Each test damages its own copies; the older one is a minute older, as on a real run. */
  @BeforeEach
  void copyCheckpoints() throws IOException {
    older = Files.copy(trained.resolve(OLDER), dir.resolve(OLDER));
    newer = Files.copy(trained.resolve(NEWER), dir.resolve(NEWER));
    Files.setLastModifiedTime(older, FileTime.fromMillis(Files.getLastModifiedTime(newer).toMillis() - 60_000));
  }

  @Test
  void aCorruptCheckpointIsReportedAndTheDirectoryFallsBackToTheOlderOne() throws IOException {
    byte[] bytes = Files.readAllBytes(newer);
    bytes[bytes.length / 2] ^= 0x10; // one bit in the weights
    Files.write(newer, bytes);

    CliRun direct = train("--epochs", "3", "--resume", newer.toString());
    assertEquals(1, direct.code());
    assertTrue(direct.errorLine().startsWith("jgrad train: " + newer + ": checkpoint corrupt: checksum mismatch ("),
        direct.err());

    assertResumesFromOlder();
  }

  @Test
  void aTruncatedCheckpointIsReportedAndTheDirectoryFallsBackToTheOlderOne() throws IOException {
    byte[] bytes = Files.readAllBytes(newer);
    Files.write(newer, Arrays.copyOf(bytes, bytes.length - 1_000)); // a write cut short, as by a full disk

    CliRun direct = train("--epochs", "3", "--resume", newer.toString());
    assertEquals(1, direct.code());
    assertTrue(direct.errorLine().startsWith("jgrad train: " + newer + ": "), direct.err());
    assertEquals(1, direct.errorLine().lines().count(), direct.err());

    assertResumesFromOlder();
  }

  @Test
  void aStaleTemporaryFileFromAKilledSaveIsIgnored() throws IOException {
    // What SIGKILL inside AtomicFiles.write leaves: a partial ".NAME.*.tmp", newer than any checkpoint.
    byte[] bytes = Files.readAllBytes(newer);
    Files.write(dir.resolve(".epoch3.safetensors.1f2e3d.tmp"), Arrays.copyOf(bytes, bytes.length / 3));
    CliRun resumed = train("--epochs", "3", "--resume", dir.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resumed from " + newer + " after epoch 2"), resumed.err());
  }

  @Test
  void aDirectoryWithNoValidCheckpointIsAOneLineError() throws IOException {
    Files.write(newer, new byte[] {1, 2, 3});
    Files.delete(older);
    CliRun r = train("--epochs", "3", "--resume", dir.toString());
    assertEquals(1, r.code());
    assertEquals("jgrad train: " + dir + ": no valid checkpoint (*.safetensors) in the directory", r.errorLine());
  }

  private void assertResumesFromOlder() {
    CliRun resumed = train("--epochs", "3", "--resume", dir.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resumed from " + older + " after epoch 1"), resumed.err());
  }

  private static CliRun train(String... args) {
    return CliRun.run(TRAIN, args);
  }
}
