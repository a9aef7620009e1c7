package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoErrorsTest {
  @TempDir Path dir;

  /** The JDK's exception for a missing file carries only the path; the reason names what happened. */
  @Test
  void aMissingFileIsNamedAsSuch() {
    Path missing = dir.resolve("gone.bin");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Files.delete(missing));
    assertEquals(missing + ": no such file or folder", IoErrors.reason(e));
    assertEquals("no such file or folder", IoErrors.why(e));
  }

  @Test
  void eachCommonFailureHasItsWords() {
    assertEquals("/a: permission denied", IoErrors.reason(new AccessDeniedException("/a")));
    assertEquals("/a: already exists", IoErrors.reason(new FileAlreadyExistsException("/a")));
    assertEquals("/a: Read-only file system",
        IoErrors.reason(new FileSystemException("/a", null, "Read-only file system")));
    assertEquals("No space left on device", IoErrors.reason(new FileSystemException(null, null,
        "No space left on device")));
  }

  @Test
  void otherFailuresKeepTheirMessage() {
    assertEquals("disk full", IoErrors.reason(new IOException("disk full")));
    assertEquals("IOException", IoErrors.reason(new IOException()));
  }
}
