package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.io.AllocationMeter;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.Mutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded corruptions of valid IDX and CIFAR files, raw and gzip: each must read to a valid
 * result or fail with the documented {@link InvalidFileException}, in one line, and allocate no more than
 * a small multiple of what the file holds.
 */
class ReaderFuzzTest {
  private static final int CASES_PER_FORMAT = 1_000;
  /** Reader buffers (64 KB streams and first chunk) plus a margin; files here are < 8 KB. */
  private static final long ALLOCATION_BOUND = 1_000_000;

  @TempDir Path dir;

  @Test
  void mutatedIdxFiles() throws IOException {
    byte[] images = IdxFiles.images(4, 5, 3, IdxFiles.ramp(60));
    byte[] labels = IdxFiles.labels(6, new byte[] {0, 1, 2, 9, 8, 7});
    fuzz(images, 20261122, file -> assertEquals(0, IdxReader.readImages(file).pixels().length % 15));
    fuzz(labels, 20261123, file -> IdxReader.readLabels(file, 10));
  }

  @Test
  void mutatedCifarBatches() throws IOException {
    fuzz(CifarReaderTest.batch(77, 3, 9), 20261124, file -> CifarReader.readBatch(file));
  }

  private void fuzz(byte[] valid, long seed, Consumer<Path> read) throws IOException {
    Random random = new Random(seed);
    Path file = dir.resolve("fuzzed");
    int errors = 0;
    for (int i = 0; i < CASES_PER_FORMAT; i++) {
      byte[] bytes = Mutations.mutate(valid, random);
      switch (random.nextInt(3)) {
        case 0 -> bytes = Mutations.gzip(bytes);
        case 1 -> bytes = Mutations.mutate(Mutations.gzip(valid), random);
        default -> { } // raw
      }
      Files.write(file, bytes);
      long before = AllocationMeter.threadAllocatedBytes();
      try {
        read.accept(file);
      } catch (InvalidFileException e) {
        errors++;
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      } catch (RuntimeException | Error e) {
        fail("seed " + seed + " case " + i + ": " + e, e);
      }
      long allocated = AllocationMeter.threadAllocatedBytes() - before;
      assertTrue(allocated < ALLOCATION_BOUND, "seed " + seed + " case " + i + " allocated " + allocated);
    }
    // The fuzzer must exercise the error paths, not only harmless mutations.
    assertTrue(errors > CASES_PER_FORMAT / 2, errors + " errors");
  }
}
