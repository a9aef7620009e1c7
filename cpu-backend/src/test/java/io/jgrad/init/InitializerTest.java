package io.jgrad.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InitializerTest extends ReferenceBackendTest {
  private static final int FAN_IN = 400;
  private static final int FAN_OUT = 200;

  /** 80,000 draws: the sample std's relative error is about 1/√(2n) ≈ 0.25%; allow 2%. */
  private static final double STD_TOLERANCE = 0.02;

  /** An initialiser and the standard deviation its formula promises for a 400 → 200 layer. */
  record Case(String name, Initializer init, double std, boolean uniform) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("he_normal", Initializer.heNormal(), Math.sqrt(2.0 / FAN_IN), false),
        new Case("he_uniform", Initializer.heUniform(), Math.sqrt(2.0 / FAN_IN), true),
        new Case("xavier_normal", Initializer.xavierNormal(), Math.sqrt(2.0 / (FAN_IN + FAN_OUT)), false),
        new Case("xavier_uniform", Initializer.xavierUniform(), Math.sqrt(2.0 / (FAN_IN + FAN_OUT)), true),
        new Case("lecun_normal", Initializer.lecunNormal(), Math.sqrt(1.0 / FAN_IN), false),
        new Case("lecun_uniform", Initializer.lecunUniform(), Math.sqrt(1.0 / FAN_IN), true),
        // kaiming_uniform_(a=√5): bound 1/√fanIn = √3·std.
        new Case("torch_default", Initializer.torchDefault(), 1 / Math.sqrt(3.0 * FAN_IN), true));
  }

  private static double[] draw(Initializer init, long seed) {
    try (Scope ignored = Scope.open()) {
      return init.create(backend, DType.FLOAT64, Shape.of(FAN_OUT, FAN_IN), FAN_IN, FAN_OUT, new Generator(seed))
          .toDoubleArray();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void meanZeroAndTheFormulasStandardDeviation(Case c) {
    double[] w = draw(c.init(), 11);
    double mean = Arrays.stream(w).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / (w.length - 1));
    assertEquals(0, mean, 4 * c.std() / Math.sqrt(w.length), "mean");
    assertEquals(c.std(), std, STD_TOLERANCE * c.std(), "std");
    double maxAbs = Arrays.stream(w).map(Math::abs).max().orElseThrow();
    if (c.uniform()) {
      assertTrue(maxAbs <= Math.sqrt(3) * c.std(), "uniform draws stay inside ±√3·std, got " + maxAbs);
    } else {
      assertTrue(maxAbs > 3.5 * c.std(), "normal draws have tails beyond 3.5 std in 80,000 samples");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameSeedSameWeights(Case c) {
    assertArrayEquals(draw(c.init(), 5), draw(c.init(), 5));
    assertFalse(Arrays.equals(draw(c.init(), 5), draw(c.init(), 6)));
  }

  @Test
  void constantsFillAndDrawNothing() {
    Generator gen = new Generator(1);
    try (Scope ignored = Scope.open()) {
      assertArrayEquals(new double[6], Initializer.zeros().create(backend, DType.FLOAT64, Shape.of(2, 3), 3, 2, gen)
          .toDoubleArray());
      assertArrayEquals(new double[] {0.5, 0.5}, Initializer.constant(0.5)
          .create(backend, DType.FLOAT64, Shape.of(2), 1, 2, gen).toDoubleArray());
    }
    assertEquals(0, gen.offset());
  }

  @Test
  void rejectsEmptyFansAndNonPositiveScales() {
    assertThrows(IllegalArgumentException.class,
        () -> Initializer.heNormal().create(backend, DType.FLOAT32, Shape.of(0, 3), 0, 3, new Generator(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new VarianceScaling(0, VarianceScaling.Fan.IN, Distribution.NORMAL));
  }
}
