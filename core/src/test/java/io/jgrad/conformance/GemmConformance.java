package io.jgrad.conformance;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.GemmArgs;
import io.jgrad.Transposed;
import java.util.Arrays;
import java.util.stream.Stream;

/** GEMM: every transpose pair and shape (with the backend's own edge shapes), alpha/beta, and batches with a
 * stride-0 operand, against the float64 triple loop. */
public abstract class GemmConformance extends KernelConformance {
  protected GemmConformance(BackendConformanceTest suite) {
    super(suite);
  }

  /** GEMM shapes {m, n, k} that every backend runs. */
  private static final int[][] GEMM_SHAPES = {
    {1, 1, 1}, {7, 33, 1}, {1, 7, 33}, {33, 7, 65}, {5, 3, 1023}, {17, 31, 600}, {129, 257, 65}
  };

  @EachFloatType
  void gemmEveryTransposeAndShapeIgnoringNanInC(DType dtype) {
    assumeSupported(dtype);
    for (int[] s : Stream.concat(Arrays.stream(GEMM_SHAPES), Arrays.stream(suite.edgeGemmShapes())).toList()) {
      for (int t = 0; t < 4; t++) {
        // beta = 0 over a NaN-poisoned C: the old contents must be ignored, and every element written.
        gemmCase(dtype, (t & 1) != 0, (t & 2) != 0, 1, s[0], s[1], s[2], false, false, 1.0, 0.0);
      }
    }
  }

  @EachFloatType
  void gemmAlphaBeta(DType dtype) {
    assumeSupported(dtype);
    for (int t = 0; t < 4; t++) {
      gemmCase(dtype, (t & 1) != 0, (t & 2) != 0, 1, 33, 7, 65, false, false, 0.5, -0.75);
    }
  }

  @EachFloatType
  void gemmBatchedWithStrideZeroBroadcast(DType dtype) {
    assumeSupported(dtype);
    for (int t = 0; t < 4; t++) {
      boolean ta = (t & 1) != 0;
      boolean tb = (t & 2) != 0;
      gemmCase(dtype, ta, tb, 3, 7, 33, 5, false, false, 1.0, 0.0);
      gemmCase(dtype, ta, tb, 3, 7, 33, 5, true, false, 2.0, 1.0);
      gemmCase(dtype, ta, tb, 4, 17, 9, 40, false, true, 1.0, 0.5);
    }
  }

  /**
   * One GEMM against the float64 triple loop.
   *
   * @param broadcastA stride 0 for A (one matrix shared by the batch); likewise broadcastB
   */
  private void gemmCase(
      DType dtype, boolean ta, boolean tb, int batch, int m, int n, int k, boolean broadcastA, boolean broadcastB,
      double alpha, double beta) {
    long strideA = broadcastA ? 0 : (long) m * k;
    long strideB = broadcastB ? 0 : (long) k * n;
    double[] a = values(dtype, (int) ((broadcastA ? 1 : batch) * (long) m * k), -1, 1);
    double[] b = values(dtype, (int) ((broadcastB ? 1 : batch) * (long) k * n), -1, 1);
    double[] c0 = beta == 0 ? filled(batch * m * n, Double.NaN) : values(dtype, batch * m * n, -1, 1);
    double[] expected = new double[c0.length];
    double[] magnitude = new double[c0.length];
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            double x = a[(int) (bi * strideA) + (ta ? p * m + i : i * k + p)];
            double y = b[(int) (bi * strideB) + (tb ? j * k + p : p * n + j)];
            sum += x * y;
            abs += Math.abs(x * y);
          }
          int ij = bi * m * n + i * n + j;
          double old = beta == 0 ? 0 : beta * c0[ij];
          expected[ij] = alpha * sum + old;
          magnitude[ij] = Math.abs(alpha) * abs + Math.abs(old);
        }
      }
    }
    Buffer c = put(dtype, c0);
    backend.gemm(GemmArgs.of(m, n, k, put(dtype, a), put(dtype, b), c)
        .transposed(Transposed.of(ta, tb))
        .batched(batch, strideA, strideB, (long) m * n)
        .scaled(alpha, beta));
    String what = String.format("gemm %s%s batch %d %dx%dx%d strides %d/%d alpha %s beta %s",
        ta ? "T" : "N", tb ? "T" : "N", batch, m, n, k, strideA, strideB, alpha, beta);
    tolerance().assertSumsClose(dtype, what, expected, magnitude, get(c));
  }
}
