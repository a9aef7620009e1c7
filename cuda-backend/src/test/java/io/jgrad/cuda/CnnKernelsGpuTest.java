package io.jgrad.cuda;

import static io.jgrad.cuda.CnnKernelsHostTest.assertClose;
import static io.jgrad.cuda.CnnKernelsHostTest.assertExact;
import static io.jgrad.cuda.CnnReference.BATCH_NORM_SHAPES;
import static io.jgrad.cuda.CnnReference.GEOMETRIES;
import static io.jgrad.cuda.CnnReference.randoms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.BackendOptions;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * conv.cu, pool.cu and batchnorm.cu through their launchers on a device, against {@link CnnReference} with the
 * cases CnnKernelsHostTest runs on the host emulator; outputs start poisoned with NaN. Skips where no GPU answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresGpu.class)
class CnnKernelsGpuTest {
  private CudaBackend backend;
  private ConvKernels conv;
  private PoolKernels pool;
  private BatchNormKernels batchNorm;

  @BeforeAll
  void openDevice() {
    if (RequiresGpu.REASON == null) {
      backend = CudaBackend.open(BackendOptions.defaults());
      conv = new ConvKernels(backend.context());
      pool = new PoolKernels(backend.context());
      batchNorm = new BatchNormKernels(backend.context());
    }
  }

  @AfterAll
  void closeDevice() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void im2colAndCol2im() {
    for (ConvGeometry g : GEOMETRIES) {
      SplittableRandom random = new SplittableRandom(1);
      float[] x = randoms((int) g.inputs(), random);
      CudaBuffer col = poisoned(g.columns());
      conv.im2col(g, put(x), col);
      assertExact(CnnReference.im2col(g, x), get(col), "im2col " + g);
      float[] dcol = randoms((int) g.columns(), random);
      CudaBuffer dx = poisoned(g.inputs());
      conv.col2im(g, put(dcol), dx);
      assertClose(CnnReference.col2im(g, dcol), get(dx), 1e-6, "col2im " + g);
    }
  }

  @Test
  void maxAndAveragePooling() {
    for (ConvGeometry g : GEOMETRIES) {
      SplittableRandom random = new SplittableRandom(2);
      float[] dy = randoms((int) g.outputs(), random);
      if (CnnReference.maxPoolAccepts(g)) {
        float[] x = CnnReference.tiedInputs((int) g.inputs(), random);
        CnnReference.MaxPool expected = CnnReference.maxPool(g, x);
        CudaBuffer y = poisoned(g.outputs());
        CudaBuffer argmax = (CudaBuffer) backend.allocate(DType.INT32, g.outputs());
        pool.maxForward(g, put(x), y, argmax);
        assertExact(expected.y(), get(y), "maxPool " + g);
        int[] indices = new int[(int) g.outputs()];
        backend.download(argmax, indices);
        assertArrayEquals(expected.argmax(), indices, "maxPool argmax " + g);
        CudaBuffer dx = poisoned(g.inputs());
        pool.maxBackward(g, put(dy), argmax, dx);
        assertClose(CnnReference.maxPoolBackward(g, dy, expected.argmax()), get(dx), 1e-6, "maxPoolBackward " + g);
      }
      for (PoolKernels.Divisor divisor : PoolKernels.Divisor.values()) {
        boolean window = divisor == PoolKernels.Divisor.WINDOW;
        float[] x = randoms((int) g.inputs(), random);
        CudaBuffer y = poisoned(g.outputs());
        pool.avgForward(g, divisor, put(x), y);
        assertClose(CnnReference.avgPool(g, window, x), get(y), 1e-6, "avgPool " + g + " " + divisor);
        CudaBuffer dx = poisoned(g.inputs());
        pool.avgBackward(g, divisor, put(dy), dx);
        assertClose(CnnReference.avgPoolBackward(g, window, dy), get(dx), 1e-6, "avgPoolBackward " + g);
      }
    }
  }

  @Test
  void batchNormStatisticsForwardAndBackward() {
    for (int[] s : BATCH_NORM_SHAPES) {
      int n = s[0];
      int channels = s[1];
      int hw = s[2];
      SplittableRandom random = new SplittableRandom(4);
      float[] x = CnnReference.channelInputs(n, channels, hw, random);
      float[] runningMean = randoms(channels, random);
      float[] runningVar = randoms(channels, random);
      for (int c = 0; c < channels; c++) {
        runningVar[c] = Math.abs(runningVar[c]) + 0.5f;
      }
      CnnReference.Stats expected = CnnReference.batchNormStats(x, n, channels, hw, 0.1, runningMean, runningVar);
      CudaBuffer dx = put(x);
      CudaBuffer mean = poisoned(channels);
      CudaBuffer var = poisoned(channels);
      CudaBuffer rm = put(runningMean);
      CudaBuffer rv = put(runningVar);
      batchNorm.stats(dx, n, channels, hw, 0.1, mean, var, rm, rv);
      float[] got = new float[4 * channels];
      int at = 0;
      for (CudaBuffer b : new CudaBuffer[] {mean, var, rm, rv}) {
        System.arraycopy(get(b), 0, got, at, channels);
        at += channels;
      }
      assertClose(CnnReference.concat(expected.mean(), expected.var(), expected.runningMean(),
          expected.runningVar()), got, 1e-5, "batchNormStats " + Arrays.toString(s));

      float[] m = get(mean);
      float[] v = get(var);
      float[] gamma = randoms(channels, random);
      float[] beta = randoms(channels, random);
      CudaBuffer y = poisoned(x.length);
      batchNorm.forward(dx, mean, var, 1e-5, put(gamma), put(beta), y, n, channels, hw);
      assertClose(CnnReference.batchNorm(x, m, v, 1e-5, gamma, beta, channels, hw), get(y), 1e-5,
          "batchNorm " + Arrays.toString(s));
      float[] dy = randoms(x.length, random);
      for (BatchNormStatistics statistics : BatchNormStatistics.values()) {
        CudaBuffer gradX = poisoned(x.length);
        CudaBuffer dgamma = poisoned(channels);
        CudaBuffer dbeta = poisoned(channels);
        batchNorm.backward(statistics, dx, put(dy), mean, var, 1e-5, put(gamma), gradX, dgamma, dbeta, n, channels,
            hw);
        float[] grads = new float[x.length + 2 * channels];
        System.arraycopy(get(gradX), 0, grads, 0, x.length);
        System.arraycopy(get(dgamma), 0, grads, x.length, channels);
        System.arraycopy(get(dbeta), 0, grads, x.length + channels, channels);
        assertClose(CnnReference.batchNormBackward(statistics == BatchNormStatistics.BATCH, x, dy, m, v, 1e-5, gamma,
            n, channels, hw), grads, 1e-5, "batchNormBackward " + statistics + " " + Arrays.toString(s));
      }
    }
  }

  private CudaBuffer put(float[] x) {
    Buffer b = backend.allocate(DType.FLOAT32, x.length);
    backend.upload(b, x);
    return (CudaBuffer) b;
  }

  private CudaBuffer poisoned(long n) {
    Buffer b = backend.allocate(DType.FLOAT32, n);
    backend.fill(b, Double.NaN);
    return (CudaBuffer) b;
  }

  private float[] get(CudaBuffer b) {
    float[] x = new float[(int) b.length()];
    backend.download(b, x);
    return x;
  }
}
