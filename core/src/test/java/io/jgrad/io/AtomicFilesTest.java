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
import org.junit.jupiter.api.Assumptions;
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

  /** The probe creates and removes a temporary file, leaving the folder and an existing target as they were. */
  @Test
  void aProbeLeavesNothingBehind() throws IOException {
    Path file = dir.resolve("kept.txt");
    AtomicFiles.probe(file);
    assertEquals(List.of(), listDir());
    Files.writeString(file, "old");
    AtomicFiles.probe(file);
    assertEquals(List.of(file), listDir());
    assertEquals("old", Files.readString(file));
  }

  /**
   * A folder that refuses new files whatever its permission bits say (procfs, for root too) fails the probe; so does a
   * target that is not a regular file.
   */
  @Test
  void aProbeFailsWhereNoFileCanBeCreated() throws IOException {
    Path proc = Path.of("/proc");
    Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux's procfs");
    assertThrows(IOException.class, () -> AtomicFiles.probe(proc.resolve("jgrad-probe.bin")));
    Path folder = Files.createDirectories(dir.resolve("sub"));
    assertThrows(IOException.class, () -> AtomicFiles.probe(folder));
  }

  /** A symlink is written through to its target, which is replaced; the link stays a link. */
  @Test
  void writesThroughSymlinks() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real")).resolve("ckpt.bin");
    Files.writeString(real, "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.bin"), Path.of("real", "ckpt.bin"));
    AtomicFiles.write(link, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
    assertEquals("new", Files.readString(real));
    // A dangling link: the file it names is created.
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.bin"), dir.resolve("real").resolve("made.bin"));
    AtomicFiles.write(dangling, out -> out.write("made".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Files.isSymbolicLink(dangling));
    assertEquals("made", Files.readString(dir.resolve("real").resolve("made.bin")));
  }

  /** Something that is not a regular file is never replaced: a directory, or a FIFO (another process's pipe). */
  @Test
  void refusesToReplaceWhatIsNotARegularFile() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("sub"));
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(sub, out -> out.write(1)));
    assertTrue(e.getMessage().endsWith(": not a regular file (a directory, FIFO or device): refused to replace it"),
        e.getMessage());
    assertTrue(Files.isDirectory(sub));
    Path fifo = io.jgrad.testing.Fifos.make(dir.resolve("pipe"));
    assertThrows(IOException.class, () -> AtomicFiles.write(fifo, out -> out.write(1)));
    assertThrows(IOException.class, () -> AtomicFiles.append(fifo, new byte[] {1}));
    assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced");
  }

  /** Appending a line is atomic too: a crash before the rename leaves the file as it was, not half a line longer. */
  @Test
  void appendsAtomically() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    AtomicFiles.append(file, "{\"epoch\":1}\n".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.append(file, "{\"epoch\":2}\n".getBytes(StandardCharsets.UTF_8));
    assertThrows(Crash.class, () -> AtomicFiles.append(file, "{\"epoch\":3}\n".getBytes(StandardCharsets.UTF_8),
        () -> {
          throw new Crash();
        }));
    assertEquals("{\"epoch\":1}\n{\"epoch\":2}\n", Files.readString(file));
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
    Path probe = dir.resolve(".ckpt.safetensors.4c5b6a.probe");
    Path someoneElses = dir.resolve(".other.safetensors.1f2e3d.tmp");
    Files.writeString(leftover, "partial");
    Files.writeString(probe, "");
    Files.writeString(someoneElses, "partial");
    AtomicFiles.write(file, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
    assertFalse(Files.exists(leftover));
    assertFalse(Files.exists(probe), "a probe's file that a crash left goes too");
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
