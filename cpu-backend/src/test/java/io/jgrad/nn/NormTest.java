package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BatchNorm1d and LayerNorm against values worked out by hand from PyTorch's definitions. */
class NormTest extends ReferenceBackendTest {
  private static final double EPS = 1e-5;
  private static final double EXACT = 1e-12;

  /** Three samples of two features: means 3 and 6, biased variances 8/3 and 32/3, unbiased 4 and 16. */
  private static Tensor batch() {
    return Tensor.of(backend, new double[] {1, 2, 3, 6, 5, 10}, 3, 2);
  }

  @Test
  void batchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes() {
    BatchNorm1d bn = new BatchNorm1d(backend, DType.FLOAT64, 2);
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      double s0 = Math.sqrt(8.0 / 3 + EPS);
      double s1 = Math.sqrt(32.0 / 3 + EPS);
      assertArrayEquals(new double[] {-2 / s0, -4 / s1, 0, 0, 2 / s0, 4 / s1},
          bn.forward(batch()).toDoubleArray(), EXACT);
    }
    // running = 0.9·running + 0.1·batch, the variance unbiased: mean 0 → 0.3, 0.6; var 1 → 0.9 + 0.4, 0.9 + 1.6.
    assertArrayEquals(new double[] {0.3, 0.6}, bn.runningMean().toDoubleArray(), EXACT);
    assertArrayEquals(new double[] {1.3, 2.5}, bn.runningVar().toDoubleArray(), EXACT);
    bn.close();
  }

  @Test
  void batchNormEvalUsesRunningStatisticsAndTheAffineParameters() {
    BatchNorm1d bn = new BatchNorm1d(backend, DType.FLOAT64, 2);
    bn.namedParameters().get("weight").set(Tensor.of(backend, new double[] {2, -1}, 2));
    bn.namedParameters().get("bias").set(Tensor.of(backend, new double[] {0.5, 1}, 2));
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      bn.forward(batch());
      bn.eval();
      Tensor y = bn.forward(Tensor.of(backend, new double[] {1.3, 0.6}, 1, 2)); // one sample is fine in eval
      double expected0 = (1.3 - 0.3) / Math.sqrt(1.3 + EPS) * 2 + 0.5;
      assertArrayEquals(new double[] {expected0, 1}, y.toDoubleArray(), EXACT);
    }
    assertArrayEquals(new double[] {0.3, 0.6}, bn.runningMean().toDoubleArray(), EXACT); // eval changes nothing
    bn.close();
  }

  @Test
  void batchNormBuffersAreNamedAndMoveWithTheirDtype() {
    BatchNorm1d bn = new BatchNorm1d(backend, DType.FLOAT64, 2);
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      bn.forward(batch());
    }
    assertEquals(List.of("running_mean", "running_var"), List.copyOf(bn.namedBuffers().keySet()));
    try (Backend other = Backends.create("cpu-scalar")) {
      Tensor before = bn.runningVar();
      bn.to(other);
      assertNotSame(before, bn.runningVar());
      assertEquals(other, bn.runningVar().backend());
      assertEquals(DType.FLOAT64, bn.runningVar().dtype());
      assertArrayEquals(new double[] {1.3, 2.5}, bn.runningVar().toDoubleArray(), EXACT); // not rounded to float
      bn.close();
    }
  }

  @Test
  void batchNormRejectsOneSampleInTrainingAndWrongWidths() {
    BatchNorm1d bn = new BatchNorm1d(backend, DType.FLOAT64, 2);
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.of(backend, new double[] {1, 2}, 1, 2)));
      assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.of(backend, new double[] {1, 2, 3}, 1, 3)));
    }
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(backend, DType.FLOAT32, 0));
    bn.close();
  }

  @Test
  void layerNormNormalisesEachSampleOverItsFeatures() {
    LayerNorm ln = new LayerNorm(backend, DType.FLOAT64, 4);
    ln.namedParameters().get("weight").set(Tensor.of(backend, new double[] {1, 2, 0.5, -1}, 4));
    ln.namedParameters().get("bias").set(Tensor.of(backend, new double[] {0, 1, 0, 0.5}, 4));
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      // Row 0: mean 3, variance (4 + 1 + 0 + 9)/4 = 3.5. Row 1 is row 0 shifted by 10: the same output.
      Tensor y = ln.forward(Tensor.of(backend, new double[] {1, 2, 3, 6, 11, 12, 13, 16}, 2, 4));
      double s = Math.sqrt(3.5 + EPS);
      double[] row = {-2 / s, -1 / s * 2 + 1, 0, 3 / s * -1 + 0.5};
      assertArrayEquals(new double[] {row[0], row[1], row[2], row[3], row[0], row[1], row[2], row[3]},
          y.toDoubleArray(), 1e-11);
      ln.eval();
      assertArrayEquals(row, ln.forward(Tensor.of(backend, new double[] {1, 2, 3, 6}, 1, 4)).toDoubleArray(), 1e-11,
          "no running statistics: eval is training's formula");
    }
    ln.close();
  }
}
