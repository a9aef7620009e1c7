package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.Window2d;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GEMM plan CudaConvolution launches (operands, offsets, per-image strides, transposes, per group), run on the
 * host with a plain batched GEMM and {@link CnnReference}'s im2col/col2im, against the cpu-scalar backend's conv2d
 * and its two gradients: groups (depthwise too), stride, padding and dilation. A wrong offset or stride here is a
 * wrong convolution on the device.
 */
class ConvGemmsTest {
  private static final Conv2dGeometry[] GEOMETRIES = {
    new Conv2dGeometry(2, 3, 7, 6, 4, 1, new Window2d(3, 2, 2, 1, 1, 0, 1, 2)),
    new Conv2dGeometry(3, 4, 5, 5, 6, 2, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 4, 6, 5, 4, 4, Window2d.of(3, 2, 1, 2)),
    new Conv2dGeometry(2, 2, 1, 1, 3, 1, Window2d.of(1, 1, 0)),
  };

  @Test
  void thePlanComputesWhatTheReferenceConvolutionDoes() {
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (Conv2dGeometry g : GEOMETRIES) {
        SplittableRandom random = new SplittableRandom(5);
        float[] x = CnnReference.randoms((int) g.inputSize(), random);
        float[] w = CnnReference.randoms((int) g.weightSize(), random);
        float[] dy = CnnReference.randoms((int) g.outputSize(), random);
        ConvGeometry cg = ConvGeometry.of(g);
        float[] col = CnnReference.im2col(cg, x);

        float[] y = new float[(int) g.outputSize()];
        run(ConvGemms.forward(g), w, col, y, null, null);
        Buffer ry = cpu.allocate(DType.FLOAT32, g.outputSize());
        cpu.conv2d(g, put(cpu, x), put(cpu, w), null, ry);
        assertClose(get(cpu, ry), y, "forward " + g);

        float[] dcol = new float[col.length];
        run(ConvGemms.backwardInput(g), w, dcol, null, dy, null);
        Buffer rdx = cpu.allocate(DType.FLOAT32, g.inputSize());
        cpu.conv2dBackwardInput(g, put(cpu, dy), put(cpu, w), rdx);
        assertClose(get(cpu, rdx), toFloats(CnnReference.col2im(cg, dcol)), "backward input " + g);

        float[] perImage = new float[(int) (g.batch() * g.weightSize())];
        run(ConvGemms.backwardWeight(g), null, col, null, dy, perImage);
        float[] dw = new float[(int) g.weightSize()];
        for (int i = 0; i < perImage.length; i++) {
          dw[i % dw.length] += perImage[i];
        }
        Buffer rdw = cpu.allocate(DType.FLOAT32, g.weightSize());
        cpu.conv2dBackwardWeight(g, put(cpu, x), put(cpu, dy), rdw, null);
        assertClose(get(cpu, rdw), dw, "backward weight " + g);
      }
    }
  }

  /** Each call as the device runs it, in double: C_b = op(A_b)·op(B_b). */
  private static void run(List<ConvGemms.Call> calls, float[] weight, float[] col, float[] y, float[] dy,
      float[] perImage) {
    for (ConvGemms.Call c : calls) {
      float[][] buffers = {weight, col, y, dy, perImage};  // indexed by ConvGemms.Operand
      float[] a = buffers[c.a().ordinal()];
      float[] b = buffers[c.b().ordinal()];
      float[] out = buffers[c.c().ordinal()];
      for (int batch = 0; batch < c.batch(); batch++) {
        long a0 = c.offsetA() + batch * c.strideA();
        long b0 = c.offsetB() + batch * c.strideB();
        long c0 = c.offsetC() + batch * c.strideC();
        for (int i = 0; i < c.m(); i++) {
          for (int j = 0; j < c.n(); j++) {
            double sum = 0;
            for (int p = 0; p < c.k(); p++) {
              sum += (double) a[(int) (a0 + (c.transA() ? (long) p * c.m() + i : (long) i * c.k() + p))]
                  * b[(int) (b0 + (c.transB() ? (long) j * c.k() + p : (long) p * c.n() + j))];
            }
            out[(int) (c0 + (long) i * c.n() + j)] = (float) sum;
          }
        }
      }
    }
  }

  private static float[] toFloats(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  private static Buffer put(Backend cpu, float[] x) {
    Buffer b = cpu.allocate(DType.FLOAT32, x.length);
    cpu.upload(b, x);
    return b;
  }

  private static float[] get(Backend cpu, Buffer b) {
    float[] x = new float[(int) b.length()];
    cpu.download(b, x);
    return x;
  }

  private static void assertClose(float[] expected, float[] got, String what) {
    assertTrue(expected.length == got.length, what + ": lengths differ");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - got[i]) <= 1e-5 * Math.max(1, Math.abs(expected[i])),
          what + " element " + i + ": " + got[i] + ", expected " + expected[i]);
    }
  }
}
