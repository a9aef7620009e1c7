package io.jgrad.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/**
 * The checker itself: a backward that is wrong by a relative 1e-5 in one element is caught and located, and a right
 * one over many outputs (where a difference of two sums would carry their rounding) measures near float64's noise.
 */
class GradCheckTest extends ReferenceBackendTest {

  @Test
  void aGradientWrongInOneElementByOnePartIn100000IsFoundThere() {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.rand(backend, DType.FLOAT64, Shape.of(3, 4), new Generator(1), 0.5, 1.5);
      Tensor bump = Tensor.of(backend, new double[] {0, 0, 0, 0, 0, 0, 0, 1e-5, 0, 0, 0, 0}, 3, 4);
      // x·(1 + bump·x) forward, but the bump is detached: its gradient is missing, 1e-5·x at element 7 only.
      GradCheck.Result r = GradCheck.check(in -> in[0].mul(in[0].detach().mul(bump).add(1)), x);
      assertFalse(r.passed(GradCheck.TOLERANCE), r.toString());
      assertEquals(0, r.input());
      assertEquals(7, r.index());
    }
  }

  @Test
  void aRightGradientOverManyLargeOutputsMeasuresWellInsideTheTolerance() {
    try (Scope ignored = Scope.open()) {
      // 4096 outputs near 1, so Σ f·R is near 4096: that sum's rounding alone, ε·|L|/h, would be about 5e-7 against
      // gradients near 0.01, a relative 5e-5; output by output it is ε·|f|/h, about 1e-10.
      Tensor x = Tensor.rand(backend, DType.FLOAT64, Shape.of(64, 64), new Generator(2), 0.5, 1.5);
      GradCheck.Result r = GradCheck.check(in -> in[0].mul(in[0]).mul(0.01).add(1), x);
      assertTrue(r.error() < 1e-7, r.toString());
    }
  }
}
