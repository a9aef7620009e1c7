package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Distribution;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * random.cu on the host CUDA emulator against cpu-scalar's {@link Backend#random} ({@link io.jgrad.internal.Philox}),
 * bit for bit, uniform and normal, into float32, bf16 and fp16: at an offset with offset_shift null, and with it
 * pointing at S (the counters a replayed CUDA graph reads from device memory), where the draw must be the reference's
 * at offset + S. The counters cross the 32-bit boundary of the counter's low word and wrap past 2⁶⁴ as Java's long.
 */
class RandomHostTest {
  private static final int N = 130; // the harness's 64 threads: the grid-stride loop wraps twice
  private static final long SEED = 0x9E3779B97F4A7C15L; // both key words, the high one with its top bit set
  private static final DType[] TYPES = {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16};
  /**
   * {offset, shift}: no shift; into the normal draws' counter's high word (the counter is the element), and the
   * uniform draws' (the element / 4); a shift of −200 (wraps as unsigned); across 2⁶⁴.
   */
  private static final long[][] COUNTERS = {
    {(1L << 32) - 50, 0}, {(1L << 32) - 50, 1_000_003L}, {(1L << 34) - 50, 0}, {(1L << 34) - 50, 3},
    {(1L << 32) + 60, -200}, {-70, 7}, {5, -70}};

  @Test
  void theKernelsDrawThePhiloxReferenceAtTheShiftedOffset(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of random.cu");
    HostKernel harness = HostKernel.build("random_host.cpp", tmp);
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (DType type : TYPES) {
        for (Distribution dist : Distribution.values()) {
          double a = dist == Distribution.UNIFORM ? -0.5 : 0.25;
          double b = dist == Distribution.UNIFORM ? 2 : 1.5;
          for (long[] counter : COUNTERS) {
            long offset = counter[0];
            long shift = counter[1];
            long[] expected = reference(cpu, type, dist, a, b, offset + shift);
            String what = type.label() + " " + dist + " at offset " + offset + " shifted by " + shift;
            if (shift == 0) {
              assertArrayEquals(expected, harness.run(line(type, dist, a, b, offset, null)), what + " (null)");
            } else {
              assertFalse(Arrays.equals(expected, reference(cpu, type, dist, a, b, offset)),
                  what + ": the shift must change the draw, or the comparison proves nothing");
            }
            assertArrayEquals(expected, harness.run(line(type, dist, a, b, offset, shift)), what);
          }
        }
      }
    }
  }

  /** The harness line: TYPE DIST A B SEED OFFSET AT SHIFT N (doubles as raw bits). */
  private static String line(DType type, Distribution dist, double a, double b, long offset, Long shift) {
    int code = type == DType.FLOAT32 ? 0 : type == DType.BFLOAT16 ? 1 : 2;
    return code + " " + (dist == Distribution.UNIFORM ? 0 : 1) + " " + Double.doubleToRawLongBits(a) + " "
        + Double.doubleToRawLongBits(b) + " " + SEED + " " + offset + (shift == null ? " 0 0 " : " 1 " + shift + " ")
        + N + "\n";
  }

  /** cpu-scalar's draw of N elements at offset, as the raw bits the harness prints. */
  private static long[] reference(Backend cpu, DType type, Distribution dist, double a, double b, long offset) {
    Buffer out = cpu.allocate(type, N);
    cpu.random(dist, a, b, SEED, offset, out);
    long[] bits = new long[N];
    if (type == DType.FLOAT32) {
      float[] values = new float[N];
      cpu.download(out, values);
      for (int i = 0; i < N; i++) {
        bits[i] = Integer.toUnsignedLong(Float.floatToRawIntBits(values[i]));
      }
    } else {
      short[] values = new short[N];
      cpu.download(out, values);
      for (int i = 0; i < N; i++) {
        bits[i] = values[i] & 0xFFFF;
      }
    }
    return bits;
  }
}
