package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.io.AllocationMeter;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.Mutations;
import java.io.ByteArrayInputStream;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded corruptions of valid IDX and CIFAR files, raw (with the length known, as for a
 * file, or unknown, as for a stream) and gzip: each must read to a valid result or fail with the
 * documented {@link InvalidFileException}, in one line, allocating no more than a small bound. Reads go
 * through the same {@link ByteSource} as files, from memory, so the test costs no disk I/O.
 */
class ReaderFuzzTest {
  private static final int CASES_PER_FORMAT = 1_000;
  /** Reader buffers (64 KB streams and first chunk) plus a margin; the inputs are under 8 KB. */
  private static final long ALLOCATION_BOUND = 1_000_000;

  @Test
  void mutatedIdxImages() {
    byte[] images = IdxFiles.images(4, 5, 3, IdxFiles.ramp(60));
    fuzz(images, 20261122, source -> assertEquals(0, IdxReader.readImages(source).pixels().length % 15));
  }

  @Test
  void mutatedIdxLabels() {
    fuzz(IdxFiles.labels(6, new byte[] {0, 1, 2, 9, 8, 7}), 20261123, source -> IdxReader.readLabels(source, 10));
  }

  @Test
  void mutatedCifarBatches() {
    fuzz(CifarReaderTest.batch(77, 3, 9), 20261124, CifarReader::readBatch);
  }

  private static void fuzz(byte[] valid, long seed, Consumer<ByteSource> read) {
    Random random = new Random(seed);
    read.accept(source(valid, true)); // class loading must not count as allocation
    read.accept(source(Mutations.gzip(valid), false));
    int errors = 0;
    for (int i = 0; i < CASES_PER_FORMAT; i++) {
      byte[] bytes = Mutations.mutate(valid, random);
      switch (random.nextInt(3)) {
        case 0 -> bytes = Mutations.gzip(bytes);
        case 1 -> bytes = Mutations.mutate(Mutations.gzip(valid), random);
        default -> { } // raw
      }
      boolean lengthKnown = random.nextBoolean();
      long before = AllocationMeter.threadAllocatedBytes();
      try {
        read.accept(source(bytes, lengthKnown));
      } catch (InvalidFileException e) {
        errors++;
        assertTrue(e.getMessage().startsWith("fuzzed: "), e.getMessage());
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

  private static ByteSource source(byte[] bytes, boolean lengthKnown) {
    return ByteSource.of("fuzzed", new ByteArrayInputStream(bytes), lengthKnown ? bytes.length : -1);
  }
}
