package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.internal.Philox;
import org.junit.jupiter.api.Test;

/**
 * The SIMD uniform draws where the conformance suite's small sizes do not reach: whole vector blocks (the sizes of
 * dropout masks, and one with a ragged end), starts inside a Philox block (offsets not a multiple of four), counters
 * (element / 4) whose low word wraps into the high word inside a vector block, elements past 2⁶⁴ − 45 that wrap to 0,
 * and a seed with both words set. Bit-identical to {@link Philox#sample} or it fails.
 */
class VectorPhiloxTest {

  @Test
  void matchesPhiloxBitForBitAcrossBlocksAndCounterWraps() {
    long[] seeds = {0, 7, 0x1234_5678_9ABC_DEF0L};
    long[] offsets = {0, 3, (1L << 32) - 37, (5L << 32) + 11, (1L << 34) - 37, -45};
    int[] sizes = {17, 128 * 256 + 5, 128 * 512};
    try (Backend cpu = new CpuBackend(BackendOptions.defaults().withThreads(2))) {
      for (long seed : seeds) {
        for (long offset : offsets) {
          for (int n : sizes) {
            Buffer out = cpu.allocate(DType.FLOAT32, n);
            cpu.fill(out, Double.NaN);
            cpu.random(Distribution.UNIFORM, -0.5, 1.5, seed, offset, out);
            float[] actual = new float[n];
            cpu.download(out, actual);
            cpu.free(out);
            for (int i = 0; i < n; i++) {
              float expected = (float) Philox.sample(Distribution.UNIFORM, -0.5, 1.5, seed, offset + i);
              if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual[i])) {
                assertEquals(expected, actual[i], "seed " + seed + " offset " + offset + " n " + n + " at " + i);
              }
            }
          }
        }
      }
    }
  }
}
