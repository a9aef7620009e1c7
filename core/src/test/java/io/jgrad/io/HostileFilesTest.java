package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jgrad.data.CifarReader;
import io.jgrad.data.IdxReader;
import io.jgrad.testing.Fifos;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are not regular files are refused at once, naming the file: opening a FIFO for reading would block until
 * a writer came, which for a checkpoint or a data set is forever.
 */
class HostileFilesTest {
  @TempDir Path dir;

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = Fifos.make(dir.resolve("ckpt.safetensors"));
    assertRefused(fifo + ": not a regular file (a FIFO, socket or device): refused", () -> Safetensors.read(fifo));
    assertRefused(fifo + ": not a regular file (a FIFO, socket or device): refused", () -> IdxReader.readImages(fifo));
    assertRefused(fifo + ": not a regular file (a FIFO, socket or device): refused", () -> CifarReader.readBatch(fifo));
  }

  @Test
  void aDirectoryIsRefused() {
    assertRefused(dir + ": not a regular file (a directory): refused", () -> Safetensors.read(dir));
    assertRefused(dir + ": not a regular file (a directory): refused", () -> IdxReader.readLabels(dir, 10));
  }

  private static void assertRefused(String message, Executable read) {
    InvalidFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(InvalidFileException.class, read));
    assertEquals(message, e.getMessage());
  }
}
