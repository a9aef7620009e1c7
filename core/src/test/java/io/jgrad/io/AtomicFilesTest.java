package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  /** Stands for the process dying at the worst moment: the new file complete on disk, not yet renamed. */
  private static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void createsAndReplaces() throws IOException {
    Path file = dir.resolve("a.txt");
    AtomicFiles.write(file, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
    AtomicFiles.write(file, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
    assertEquals("two", Files.readString(file));
    assertEquals(List.of(file), listDir());
  }

  @Test
  void crashBeforeTheRenameLeavesThePreviousCheckpointLoadable() throws IOException {
    Path file = dir.resolve("checkpoint.safetensors");
    Safetensors.write(file, Map.of("step", TensorData.ofLongs(new int[] {}, new long[] {1})), Map.of());
    Map<String, TensorData> next = Map.of("step", TensorData.ofLongs(new int[] {}, new long[] {2}));
    assertThrows(
        Crash.class,
        () -> AtomicFiles.write(file, out -> Safetensors.writeTo(out, next, Map.of()), () -> {
          throw new Crash();
        }));
    assertArrayEquals(new long[] {1}, Safetensors.read(file).tensors().get("step").toLongs());
    assertEquals(List.of(file), listDir(), "the temporary file is removed");
  }

  @Test
  void theNextWriteRemovesTemporaryFilesThatACrashLeftBehind() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Path leftover = dir.resolve(".ckpt.safetensors.1f2e3d.tmp");
    Path someoneElses = dir.resolve(".other.safetensors.1f2e3d.tmp");
    Files.writeString(leftover, "partial");
    Files.writeString(someoneElses, "partial");
    AtomicFiles.write(file, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(someoneElses), "only this file's leftovers go");
    assertEquals("new", Files.readString(file));
  }

  @Test
  void failureWhileWritingLeavesThePreviousFileAndNoNewOne() throws IOException {
    Path file = dir.resolve("a.txt");
    Files.writeString(file, "old");
    assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      out.write(1);
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(file));
    Path absent = dir.resolve("never.txt");
    assertThrows(Crash.class, () -> AtomicFiles.write(absent, out -> out.write(1), () -> {
      throw new Crash();
    }));
    assertFalse(Files.exists(absent));
    assertEquals(List.of(file), listDir());
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
