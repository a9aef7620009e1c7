package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each schedule's value at known steps, worked out from its definition. */
class LrScheduleTest extends ReferenceBackendTest {
  private static final double EXACT = 1e-12;

  @Test
  void stepDecaysEveryStepSize() {
    LrSchedule s = new StepLR(0.1, 10, 0.5);
    assertEquals(0.1, s.lr(0), EXACT);
    assertEquals(0.1, s.lr(9), EXACT);
    assertEquals(0.05, s.lr(10), EXACT);
    assertEquals(0.025, s.lr(25), EXACT);
  }

  @Test
  void exponentialDecaysEveryStep() {
    LrSchedule s = new ExponentialLR(2, 0.9);
    assertEquals(2, s.lr(0), EXACT);
    assertEquals(1.62, s.lr(2), EXACT);
  }

  @Test
  void warmupThenCosine() {
    LrSchedule s = new WarmupCosineLR(1.0, 10, 110, 0.1);
    assertEquals(0.1, s.lr(0), EXACT); // (0 + 1)/10 of the peak
    assertEquals(0.5, s.lr(4), EXACT);
    assertEquals(1.0, s.lr(9), EXACT);
    assertEquals(1.0, s.lr(10), EXACT); // cosine at progress 0
    assertEquals(0.55, s.lr(60), EXACT); // halfway: the mean of peak and floor
    assertEquals(0.1, s.lr(110), EXACT);
    assertEquals(0.1, s.lr(500), EXACT);
  }

  @Test
  void oneCycleAsPyTorch() {
    // maxLr 1, 100 steps: starts at 1/25, peaks at step 0.3·100 − 1 = 29, ends at 0.04/1e4 at step 99.
    LrSchedule s = new OneCycleLR(1.0, 100);
    assertEquals(0.04, s.lr(0), EXACT);
    assertEquals(1.0, s.lr(29), EXACT);
    assertEquals(0.04 + 0.96 * 0.5 * (1 - Math.cos(Math.PI * 10 / 29)), s.lr(10), EXACT);
    assertEquals((1 + 4e-6) / 2, s.lr(64), EXACT); // halfway down: (64 − 29)/(99 − 29) = 0.5
    assertEquals(4e-6, s.lr(99), EXACT);
    assertEquals(4e-6, s.lr(150), EXACT);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new StepLR(0.1, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new StepLR(0, 10, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new ExponentialLR(0.1, -1));
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLR(1, 10, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLR(1, 0, 10, 2));
    assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(1, 100, 1.0, 25, 1e4));
    assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(-1, 100));
  }

  @Test
  void optimizerTakesTheScheduledRateAtEachStep() {
    try (Scope ignored = Scope.detached()) {
      Parameter p = new Parameter(Tensor.of(backend, new double[] {0}, 1));
      SGD sgd = new SGD(Map.of("p", p), 1);
      sgd.setSchedule(new StepLR(0.5, 1, 0.1));
      for (int i = 0; i < 3; i++) {
        p.value().setGrad(Tensor.of(backend, new double[] {-1}, 1)); // p += lr each step
        sgd.step();
      }
      assertEquals(0.5 + 0.05 + 0.005, p.value().item(), EXACT);
      assertEquals(0.005, sgd.lr(), EXACT);
      p.close();
    }
  }
}
