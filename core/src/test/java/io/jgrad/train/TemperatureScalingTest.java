package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Temperatures of twelve examples of three classes, as they are (overconfident: T ≈ 1.96) and scaled by 0.3
 * (underconfident): the roots of the likelihood's derivative that scipy's brentq finds in float64 (PyTorch 1.13's
 * L-BFGS on log T, Guo et al.'s fit, stops within 1e-8 of them: 1.9603508949777302 and 0.5881052968938651), and the
 * cross-entropies PyTorch gives at them.
 */
class TemperatureScalingTest {
  private static final float[] LOGITS = {3, 1, -2, 2.5f, 0.5f, 0, -1, 4, 0.5f, 0, 2, 1.5f, 1, 1, 3.5f, -2, 0.5f, 2.5f,
      4, -1, 0, 0.5f, 3, -0.5f, 2, 2, 0, -0.5f, -0.5f, 1, 3.5f, 0, 1, 0, 1.5f, -1};
  private static final int[] LABELS = {0, 1, 1, 2, 0, 2, 0, 1, 1, 2, 2, 0};

  @Test
  void pyTorchsTemperatureOfAWorkedExample() {
    double t = TemperatureScaling.fit(LOGITS, LABELS, 3);
    assertEquals(1.9603509154322485, t, 1e-12);
    assertEquals(0.8543384059784122, TemperatureScaling.nll(LOGITS, LABELS, 3, t), 1e-12);
    assertEquals(0.9867521026035823, TemperatureScaling.nll(LOGITS, LABELS, 3, 1), 1e-12);
    float[] soft = new float[LOGITS.length];
    for (int i = 0; i < soft.length; i++) {
      soft[i] = LOGITS[i] * 0.3f;
    }
    assertEquals(0.5881053050802615, TemperatureScaling.fit(soft, LABELS, 3), 1e-12);
  }

  /** The fitted temperature's likelihood is the lowest: every other on a grid around it does worse. */
  @Test
  void theFitIsTheMinimum() {
    double t = TemperatureScaling.fit(LOGITS, LABELS, 3);
    double best = TemperatureScaling.nll(LOGITS, LABELS, 3, t);
    for (double f = 0.5; f <= 2; f += 0.05) {
      assertTrue(TemperatureScaling.nll(LOGITS, LABELS, 3, t * f) >= best - 1e-15, "T = " + t * f);
    }
  }

  /** Every example right by a margin: sharper is always likelier, so the fit stops at the bound. */
  @Test
  void separableExamplesGetTheLowestTemperature() {
    assertEquals(TemperatureScaling.MIN, TemperatureScaling.fit(new float[] {2, 0, 0, 2}, new int[] {0, 1}, 2));
    assertEquals(TemperatureScaling.MAX, TemperatureScaling.fit(new float[] {2, 0, 0, 2}, new int[] {1, 0}, 2));
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.fit(new float[0], new int[0], 2));
    assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.fit(new float[] {0, 1}, new int[] {2}, 2));
    assertThrows(IllegalArgumentException.class,
        () -> TemperatureScaling.fit(new float[] {Float.NaN, 1}, new int[] {0}, 2));
  }
}
