package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
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
}
