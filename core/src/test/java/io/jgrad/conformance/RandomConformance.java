package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Distribution;
import io.jgrad.internal.Philox;
import java.util.Arrays;

/** The random kernel: Philox samples, reproducible by seed and offset. */
public abstract class RandomConformance extends KernelConformance {
  protected RandomConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @EachFloatType
  void randomMatchesPhiloxAndIsReproducibleBySeedAndOffset(DType dtype) {
    assumeSupported(dtype);
    long offset = 5;
    for (Distribution dist : Distribution.values()) {
      double a = dist == Distribution.UNIFORM ? -2 : 0.5;
      double b = dist == Distribution.UNIFORM ? 3 : 2;
      for (int n : SIZES) {
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = round(dtype, Philox.sample(dist, a, b, SEED, offset + i));
        }
        Buffer out = poisoned(dtype, n);
        backend.random(dist, a, b, SEED, offset, out);
        assertArrayEquals(expected, get(out), dist + " n=" + n);
        if (n > 3) {
          Buffer shifted = poisoned(dtype, n - 3);
          backend.random(dist, a, b, SEED, offset + 3, shifted);
          assertArrayEquals(Arrays.copyOfRange(expected, 3, n), get(shifted), dist + " at offset + 3");
        }
      }
    }
  }

  /**
   * The dropout mask is the uniform draw followed by DROPOUT_MASK, bit for bit, however a backend computes it: at
   * offsets on and off a Philox block and at sizes up to several split pieces.
   */
  @EachFloatType
  void dropoutMaskIsTheUniformDrawThenTheMask(DType dtype) {
    assumeSupported(dtype);
    for (double p : new double[] {0.2, 0.5, 0.99999999}) {
      for (long offset : new long[] {0, 5}) {
        for (int n : new int[] {1, 7, 1023, 3 * 8192 + 21}) {
          Buffer expected = poisoned(dtype, n);
          backend.random(Distribution.UNIFORM, 0, 1, SEED, offset, expected);
          backend.unary(UnaryOp.DROPOUT_MASK, p, expected, expected);
          Buffer actual = poisoned(dtype, n);
          backend.dropoutMask(p, SEED, offset, actual);
          assertArrayEquals(get(expected), get(actual), "p " + p + " offset " + offset + " n " + n);
          backend.free(expected);
          backend.free(actual);
        }
      }
    }
  }
}
