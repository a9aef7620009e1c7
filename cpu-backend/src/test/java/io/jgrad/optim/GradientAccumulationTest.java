package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.loss.MseLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Tanh;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GradientAccumulationTest extends ReferenceBackendTest {
  private static final double[] X = {
    0.1, -0.4, 0.9, 1.2, 0.3, -0.7, -1.1, 0.5, 0.2, 0.8, 0.8, -0.3, -0.2, 0.6, 1.5, 0.4, -0.9, 0.0, 1.0, 1.0, -1.0,
    -0.5, 0.7, 0.25
  };
  private static final double[] Y = {0.5, -1.0, 0.3, 0.9, -0.2, 1.4, 0.0, -0.6};

  private static Sequential model() {
    Generator gen = new Generator(21);
    return new Sequential(new Linear(backend, DType.FLOAT64, 3, 4, true, Initializer.xavierNormal(), gen), new Tanh(),
        new Linear(backend, DType.FLOAT64, 4, 1, true, Initializer.xavierNormal(), gen));
  }

  private static Tensor rows(double[] data, int from, int to, int cols) {
    return Tensor.of(backend, Arrays.copyOfRange(data, from * cols, to * cols), to - from, cols);
  }

  /** Two steps of SGD with momentum: two half-batches accumulated per step equal the full batch (mean MSE). */
  @Test
  void twoHalfBatchesEqualOneFullBatch() {
    MseLoss mse = new MseLoss();
    Sequential full = model();
    SGD fullOpt = new SGD(full.namedParameters(), SgdOptions.learningRate(0.1).withMomentum(0.9));
    Sequential accumulated = model();
    SGD accumulatedOpt = new SGD(accumulated.namedParameters(), SgdOptions.learningRate(0.1).withMomentum(0.9));
    GradientAccumulation acc = new GradientAccumulation(accumulatedOpt, 2);
    for (int step = 0; step < 2; step++) {
      try (Scope ignored = Scope.open()) {
        fullOpt.zeroGrad();
        mse.apply(full.forward(rows(X, 0, 8, 3)), rows(Y, 0, 8, 1)).backward();
        fullOpt.step();
        assertFalse(acc.backward(mse.apply(accumulated.forward(rows(X, 0, 4, 3)),
            rows(Y, 0, 4, 1))));
        assertTrue(acc.backward(mse.apply(accumulated.forward(rows(X, 4, 8, 3)),
            rows(Y, 4, 8, 1))));
      }
    }
    assertEquals(2, accumulatedOpt.steps());
    for (String name : full.namedParameters().keySet()) {
      Parameter a = accumulated.namedParameters().get(name);
      assertArrayEquals(full.namedParameters().get(name).value().toDoubleArray(), a.value().toDoubleArray(), 1e-14,
          name);
      assertArrayEquals(new double[(int) a.value().size()], a.grad().toDoubleArray(), 0, "zeroed after the step");
    }
    full.close();
    accumulated.close();
    assertThrows(IllegalArgumentException.class, () -> new GradientAccumulation(fullOpt, 0));
  }
}
