package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.internal.Philox;
import io.jgrad.spi.ReducedFloats;
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

  /**
   * The fused dropout mask against the reference draw followed by the mask's formula, on one, two and three threads:
   * drop probabilities whose threshold falls anywhere in the words' range, including one whose float is 1 (every
   * element dropped but the draws that round to 1, kept at an infinite scale, as the two kernels give).
   */
  @Test
  void dropoutMaskIsTheDrawThenTheMaskBitForBit() {
    double[] ps = {0.2, 0.5, 1e-9, 0.75, 0.99999999};
    long[] offsets = {0, 3, (1L << 32) - 37, -45};
    int[] sizes = {17, 128 * 256 + 5};
    for (int threads : new int[] {1, 2, 3}) {
      try (Backend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
        for (double p : ps) {
          float pf = (float) p;
          float keep = (float) (1.0 / (1.0 - pf));
          for (long offset : offsets) {
            for (int n : sizes) {
              Buffer out = cpu.allocate(DType.FLOAT32, n);
              cpu.fill(out, Double.NaN);
              cpu.dropoutMask(p, 0x1234_5678_9ABC_DEF0L, offset, out);
              float[] actual = new float[n];
              cpu.download(out, actual);
              cpu.free(out);
              for (int i = 0; i < n; i++) {
                float u = (float) Philox.sample(Distribution.UNIFORM, 0, 1, 0x1234_5678_9ABC_DEF0L, offset + i);
                float expected = u >= pf ? keep : 0f;
                if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual[i])) {
                  assertEquals(expected, actual[i], threads + " threads, p " + p + " offset " + offset + " n " + n
                      + " at " + i + " (u " + u + ")");
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * The threshold is the first word whose stored draw (float32, or rounded to 16 bits) reaches p: random draws almost
   * never land on it, so checked here.
   */
  @Test
  void theKeepThresholdIsTheFirstWordWhoseStoredDrawReachesP() {
    double scale = 1.0 / 4294967296.0;
    for (DType type : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16}) {
      for (float p : new float[] {Float.MIN_VALUE, 1e-9f, 0.2f, 0.5f, 0.75f, Math.nextDown(1f), 1f}) {
        long k = VectorPhilox.keepThreshold(type, p);
        String what = type.label() + ", p " + p;
        if (k < (1L << 32)) {
          assertTrue((float) ReducedFloats.round(type, (float) (k * scale)) >= p, what + ": word " + k);
        }
        if (k > 0) {
          assertTrue((float) ReducedFloats.round(type, (float) ((k - 1) * scale)) < p, what + ": word " + (k - 1));
        }
      }
      assertEquals(1L << 32, VectorPhilox.keepThreshold(type, Math.nextUp(1f)), type.label() + ": p above 1");
    }
  }

  /** The 16-bit masks against the reference draw stored in the type, then the mask stored in it, on 1–3 threads. */
  @Test
  void sixteenBitDropoutMasksAreTheDrawThenTheMaskBitForBit() {
    long seed = 0x1234_5678_9ABC_DEF0L;
    for (int threads : new int[] {1, 2, 3}) {
      try (Backend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
        for (DType type : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
          for (double p : new double[] {0.2, 0.5, 0.99999999}) {
            float pf = (float) p;
            short keep = ReducedFloats.toBits(type, (float) (1.0 / (1.0 - pf)));
            for (long offset : new long[] {0, 3, -45}) {
              int n = 128 * 256 + 5;
              Buffer out = cpu.allocate(type, n);
              cpu.dropoutMask(p, seed, offset, out);
              short[] actual = new short[n];
              System.arraycopy(((CpuBuffer) out).shorts(), 0, actual, 0, n);
              cpu.free(out);
              for (int i = 0; i < n; i++) {
                float u = (float) Philox.sample(Distribution.UNIFORM, 0, 1, seed, offset + i);
                short expected = (float) ReducedFloats.round(type, u) >= pf ? keep : 0;
                if (expected != actual[i]) {
                  assertEquals(expected, actual[i], threads + " threads, " + type.label() + ", p " + p + " offset "
                      + offset + " at " + i + " (u " + u + ")");
                }
              }
            }
          }
        }
      }
    }
  }
}
