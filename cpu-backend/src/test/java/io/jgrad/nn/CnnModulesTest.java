package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** The convolutional layers' state (BatchNorm2d's running statistics, PyTorch's names) and their shape errors. */
class CnnModulesTest extends ReferenceBackendTest {

  @Test
  void batchNorm2dRunningStatisticsFollowPyTorchsMomentumAndUnbiasedVariance() {
    try (NoGrad ignored = NoGrad.enter()) { // statistics only: record no graph that no backward would free
      checkRunningStatistics();
    }
  }

  private static void checkRunningStatistics() {
    BatchNorm2d bn = new BatchNorm2d(backend, DType.FLOAT64, 2);
    // Channel 0 holds 1, 2, 3, 4 and channel 1 holds 10 four times, over B = 2 and H·W = 2.
    Tensor x = Tensor.of(backend, new double[] {1, 2, 10, 10, 3, 4, 10, 10}, 2, 2, 1, 2);
    Tensor y = bn.forward(x);
    double unbiased = 5.0 / 3; // Σ(x − 2.5)² = 5 over n − 1 = 3
    assertArrayEquals(new double[] {0.25, 1.0}, bn.runningMean().toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {0.9 + 0.1 * unbiased, 0.9}, bn.runningVar().toDoubleArray(), 1e-12);
    assertEquals(1, bn.batchesTracked());
    double invStd = 1 / Math.sqrt(1.25 + BatchNorm2d.EPS); // the batch's biased variance normalises
    assertEquals((1 - 2.5) * invStd, y.toDoubleArray()[0], 1e-12);
    bn.eval();
    Tensor z = bn.forward(x);
    assertEquals((1 - 0.25) / Math.sqrt(0.9 + 0.1 * unbiased + BatchNorm2d.EPS), z.toDoubleArray()[0], 1e-12);
    assertEquals(1, bn.batchesTracked(), "evaluation counts no batch");
    assertEquals(java.util.List.of("running_mean", "running_var", "num_batches_tracked"),
        java.util.List.copyOf(bn.namedBuffers().keySet()));
  }

  @Test
  void shapeErrorsNameTheOpAndBothShapes() {
    Conv2d conv = Conv2d.builder(backend, 3, 8, 3).options(Conv2dOptions.DEFAULTS.padding(1)).build(new Generator(0));
    Tensor wrongChannels = Tensor.zeros(backend, DType.FLOAT32, Shape.of(2, 4, 5, 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(wrongChannels));
    assertTrue(e.getMessage().startsWith("conv2d: input [2,4,5,5] and weight [8,3,3,3]"), e.getMessage());
    Tensor tiny = Tensor.zeros(backend, DType.FLOAT32, Shape.of(1, 3, 1, 1));
    Conv2d unpadded = Conv2d.builder(backend, 3, 8, 3).build(new Generator(0));
    e = assertThrows(IllegalArgumentException.class, () -> unpadded.forward(tiny));
    assertTrue(e.getMessage().contains("[1,3,1,1]") && e.getMessage().contains("larger than the padded input"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(backend, 4, 4)));
    assertTrue(e.getMessage().startsWith("maxPool2d: input [4,4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BatchNorm2d(backend, DType.FLOAT32, 3).forward(wrongChannels));
    assertTrue(e.getMessage().contains("[2,4,5,5]"), e.getMessage());
  }
}
