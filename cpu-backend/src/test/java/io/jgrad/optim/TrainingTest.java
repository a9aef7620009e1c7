package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** End-to-end training from fixed seeds on the reference backend: the problems of the command line's walkthroughs. */
class TrainingTest extends ReferenceBackendTest {
  /** Reaches about [0.001, 0.998, 0.998, 0.003] in 500 Adam steps. */
  @Test
  void xorNetworkPutsAllFourOutputsOnTheRightSide() {
    float[] p = XorProblem.train(backend, 1, 500, 0.1);
    for (int i = 0; i < 4; i++) {
      boolean right = XorProblem.TARGETS[i] == 1 ? p[i] > 0.5 : p[i] < 0.5;
      assertTrue(right, "XOR outputs " + Arrays.toString(p));
    }
  }

  /** Reaches about 3e-4 here (float32, 1,500 full-batch Adam steps, about 3 s on cpu-scalar). */
  @Test
  void tanhNetworkFitsTheCurve() {
    double mse = CurveFitProblem.train(backend, 1, 1500, 1e-2);
    assertTrue(mse < 0.01, "final MSE " + mse);
  }
}
