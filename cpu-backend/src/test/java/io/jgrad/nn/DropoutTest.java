package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutTest extends ReferenceBackendTest {
  private static final int N = 100_000;

  private static float[] dropOnes(double p, long seed) {
    try (Scope ignored = Scope.open()) {
      return new Dropout(p, new Generator(seed)).forward(Tensor.ones(backend, 100, N / 100)).toFloatArray();
    }
  }

  @Test
  void dropsAboutPAndScalesSurvivorsByOneOverOneMinusP() {
    double p = 0.3;
    int dropped = 0;
    for (float v : dropOnes(p, 42)) {
      if (v == 0) {
        dropped++;
      } else {
        assertEquals(1 / (1 - p), v, 1e-6);
      }
    }
    // Binomial(N, p): the standard deviation of the rate is √(p(1 − p)/N) ≈ 0.0014; allow 4 of them.
    assertEquals(p, (double) dropped / N, 0.006);
  }

  @Test
  void sameSeedSameMaskOtherSeedOtherMask() {
    assertArrayEquals(dropOnes(0.5, 9), dropOnes(0.5, 9));
    assertFalse(Arrays.equals(dropOnes(0.5, 9), dropOnes(0.5, 10)));
  }

  @Test
  void successiveCallsDrawFreshMasks() {
    Dropout d = new Dropout(0.5, new Generator(1));
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.ones(backend, 4, 8);
      assertFalse(Arrays.equals(d.forward(x).toFloatArray(), d.forward(x).toFloatArray()));
    }
  }

  @Test
  void identityInEvalAndAtZero() {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.ones(backend, 4, 8);
      assertSame(x, new Dropout(0.5, new Generator(1)).eval().forward(x));
      assertSame(x, new Dropout(0, new Generator(1)).forward(x));
    }
  }

  @Test
  void gradientIsTheMask() {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.ones(backend, 8, 8).requiresGrad(true);
      Tensor y = new Dropout(0.25, new Generator(5)).forward(x);
      y.sum().backward();
      assertArrayEquals(y.toFloatArray(), x.grad().toFloatArray()); // x = 1, so y is the mask itself
      x.setGrad(null);
    }
  }

  @Test
  void rejectsPOutsideZeroToOne() {
    Generator gen = new Generator(1);
    for (double p : new double[] {-0.1, 1, 1.5, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new Dropout(p, gen), "p = " + p);
    }
  }
}
