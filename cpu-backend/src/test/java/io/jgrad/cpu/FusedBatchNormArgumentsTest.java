package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.Window2d;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Pool2dGeometry;
import org.junit.jupiter.api.Test;

/** The fused batch-norm kernels' argument errors name them, not the pooling or batch norm whose checks they share. */
class FusedBatchNormArgumentsTest {

  @Test
  void wrongSizedBuffersAreReportedUnderTheFusedKernelsName() {
    Pool2dGeometry g = new Pool2dGeometry(2, 3, 4, 4, Window2d.of(2, 2, 0));
    try (Backend cpu = new CpuBackend(BackendOptions.defaults().withThreads(1))) {
      Buffer x = cpu.allocate(DType.FLOAT32, g.inputSize());
      Buffer perChannel = cpu.allocate(DType.FLOAT32, 3);
      Buffer indices = cpu.allocate(DType.INT32, g.outputSize());
      Buffer wrong = cpu.allocate(DType.FLOAT32, g.outputSize() + 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormMaxPool2d(g, x,
          perChannel, perChannel, 1e-5, perChannel, perChannel, wrong, indices));
      assertTrue(e.getMessage().startsWith("batchNormMaxPool2d: y"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormMaxPool2dBackward(BatchNormStatistics.BATCH,
          g, x, perChannel, perChannel, 1e-5, perChannel, indices, wrong, x, perChannel, perChannel));
      assertTrue(e.getMessage().startsWith("batchNormMaxPool2dBackward: dy"), e.getMessage());
    }
  }

  @Test
  void wrongSizedBuffersAreReportedUnderTheReluKernelsNames() {
    try (Backend cpu = new CpuBackend(BackendOptions.defaults().withThreads(1))) {
      Buffer x = cpu.allocate(DType.FLOAT32, 24);
      Buffer perChannel = cpu.allocate(DType.FLOAT32, 3);
      Buffer wrong = cpu.allocate(DType.FLOAT32, 25);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormRelu(x, 2, 3, 4,
          perChannel, perChannel, 1e-5, perChannel, perChannel, wrong, x));
      assertTrue(e.getMessage().startsWith("batchNormRelu: residual"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormReluBackward(BatchNormStatistics.BATCH, x, 2,
          3, 4, perChannel, perChannel, 1e-5, perChannel, x, x, wrong, x, perChannel, perChannel));
      assertTrue(e.getMessage().startsWith("batchNormReluBackward: dz"), e.getMessage());
    }
  }
}
