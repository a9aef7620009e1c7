package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.Backend;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.Window2d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pooling (max, average) and batch-norm (statistics, forward, backward in both modes) kernels of {@link Backend}
 * against float64 computations written here, at odd sizes, outputs poisoned with NaN.
 */
public abstract class PoolingBatchNormConformance extends CnnConformance {
  private static final Pool2dGeometry[] POOLS = {
    new Pool2dGeometry(2, 3, 8, 8, Window2d.of(2, 2, 0)),
    // 2×2 of stride 2 on rows wider than a vector of windows, and of an odd width (a column left out).
    new Pool2dGeometry(3, 5, 6, 71, Window2d.of(2, 2, 0)),
    new Pool2dGeometry(2, 7, 15, 14, Window2d.of(2, 2, 0)),
    // Input rows of one vector (16 floats with 512-bit vectors, 8 with 256): two output rows a vector, an odd row
    // count leaving the last row of each plane on its own.
    new Pool2dGeometry(2, 3, 16, 16, Window2d.of(2, 2, 0)),
    new Pool2dGeometry(2, 3, 14, 16, Window2d.of(2, 2, 0)),
    // Rows wider than a vector but not a multiple of one (the last vector overlaps the one before), an odd row count.
    new Pool2dGeometry(2, 3, 9, 28, Window2d.of(2, 2, 0)),
    new Pool2dGeometry(3, 2, 6, 8, Window2d.of(2, 2, 0)),
    new Pool2dGeometry(1, 5, 7, 9, Window2d.of(3, 2, 1)),
    new Pool2dGeometry(3, 2, 5, 6, new Window2d(2, 3, 1, 2, 1, 0, 1, 1)),
    new Pool2dGeometry(2, 33, 13, 11, Window2d.of(3, 3, 1)),
  };

  /** [B, C, S] shapes of batch norm: one element per channel, an odd spatial size, and a large one. */
  private static final int[][] NORMS = {{2, 3, 1}, {3, 5, 7}, {7, 33, 49}, {1, 4, 1023}};

  protected PoolingBatchNormConformance(BackendConformanceTest suite) {
    super(suite);
  }

  // ---- pooling ----

  /** Every (output index, input index) pair of a pooling window, padding left out, in window order. */
  private static List<int[]> poolTaps(Pool2dGeometry g) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    List<int[]> taps = new ArrayList<>();
    for (int bc = 0; bc < g.batch() * g.channels(); bc++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int p = 0; p < k.kernelH(); p++) {
            for (int q = 0; q < k.kernelW(); q++) {
              int h = i * k.strideH() - k.padH() + p * k.dilationH();
              int w = j * k.strideW() - k.padW() + q * k.dilationW();
              if (h >= 0 && h < g.height() && w >= 0 && w < g.width()) {
                taps.add(new int[] {(bc * oh + i) * ow + j, (bc * g.height() + h) * g.width() + w});
              }
            }
          }
        }
      }
    }
    return taps;
  }

  @EachFloatType
  void maxPool2dForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (Pool2dGeometry g : POOLS) {
      checkMaxPool(dtype, g, values(dtype, (int) g.inputSize()));
    }
  }

  /** Inputs of three values, so most windows tie (as after a ReLU): the first maximum in window order must win. */
  @EachFloatType
  void maxPool2dTiesGoToTheFirstTap(DType dtype) {
    assumeSupported(dtype);
    for (Pool2dGeometry g : POOLS) {
      double[] x = values(dtype, (int) g.inputSize());
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.round(x[i]);
      }
      checkMaxPool(dtype, g, x);
    }
  }

  private void checkMaxPool(DType dtype, Pool2dGeometry g, double[] x) {
    double[] max = new double[(int) g.outputSize()];
    int[] arg = new int[max.length];
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    int plane = g.height() * g.width();
    for (int[] t : poolTaps(g)) {
      if (x[t[1]] > max[t[0]]) {
        max[t[0]] = x[t[1]];
        arg[t[0]] = t[1] % plane;
      }
    }
    Buffer y = poisoned(dtype, max.length);
    Buffer indices = backend.allocate(DType.INT32, max.length);
    backend.upload(indices, filledInts(max.length, -7));
    backend.maxPool2d(g, put(dtype, x), y, indices);
    tolerance().assertClose(dtype, "maxPool2d " + g, max, get(y));
    int[] gotIndices = new int[max.length];
    backend.download(indices, gotIndices);
    assertArrayEquals(arg, gotIndices, "maxPool2d indices " + g);

    double[] dy = values(dtype, max.length);
    double[] dx = new double[x.length];
    for (int out = 0; out < dy.length; out++) {
      dx[out / (g.outHeight() * g.outWidth()) * plane + arg[out]] += dy[out];
    }
    Buffer got = poisoned(dtype, x.length);
    backend.maxPool2dBackward(g, indices, put(dtype, dy), got);
    tolerance().assertClose(dtype, "maxPool2dBackward " + g, dx, get(got));
  }

  @EachFloatType
  void avgPool2dForwardAndBackwardCountingPadding(DType dtype) {
    assumeSupported(dtype);
    for (Pool2dGeometry g : POOLS) {
      double divisor = g.window().kernelH() * g.window().kernelW();
      double[] x = values(dtype, (int) g.inputSize());
      double[] dy = values(dtype, (int) g.outputSize());
      double[] y = new double[dy.length];
      double[] yMagnitude = new double[dy.length];
      double[] dx = new double[x.length];
      double[] dxMagnitude = new double[x.length];
      for (int[] t : poolTaps(g)) {
        y[t[0]] += x[t[1]] / divisor;
        yMagnitude[t[0]] += Math.abs(x[t[1]] / divisor);
        dx[t[1]] += dy[t[0]] / divisor;
        dxMagnitude[t[1]] += Math.abs(dy[t[0]] / divisor);
      }
      Buffer gotY = poisoned(dtype, y.length);
      backend.avgPool2d(g, put(dtype, x), gotY);
      tolerance().assertSumsClose(dtype, "avgPool2d " + g, y, yMagnitude, get(gotY));
      Buffer gotDx = poisoned(dtype, x.length);
      backend.avgPool2dBackward(g, put(dtype, dy), gotDx);
      tolerance().assertSumsClose(dtype, "avgPool2dBackward " + g, dx, dxMagnitude, get(gotDx));
    }
  }

  // ---- batch norm ----

  @EachFloatType
  void batchNormStatisticsAndRunningEstimates(DType dtype) {
    assumeSupported(dtype);
    double momentum = 0.1;
    for (int[] s : NORMS) {
      int n = s[0] * s[2];
      double[] x = values(dtype, s[0] * s[1] * s[2]);
      double[] runMean = values(dtype, s[1]);
      double[] runVar = positive(dtype, s[1]);
      double[][] stats = statistics(x, s);
      double[] expectedRunMean = new double[s[1]];
      double[] expectedRunVar = new double[s[1]];
      for (int c = 0; c < s[1]; c++) {
        expectedRunMean[c] = 0.9 * runMean[c] + momentum * stats[0][c];
        expectedRunVar[c] = 0.9 * runVar[c] + momentum * (n > 1 ? stats[1][c] * n / (n - 1) : stats[1][c]);
      }
      Buffer mean = poisoned(dtype, s[1]);
      Buffer var = poisoned(dtype, s[1]);
      Buffer rm = put(dtype, runMean);
      Buffer rv = put(dtype, runVar);
      backend.batchNormStatistics(put(dtype, x), s[0], s[1], s[2], mean, var, momentum, rm, rv);
      String what = "batchNormStatistics " + Arrays.toString(s);
      tolerance().assertSumsClose(dtype, what + " mean", stats[0], stats[2], get(mean));
      tolerance().assertSumsClose(dtype, what + " var", stats[1], stats[3], get(var));
      tolerance().assertSumsClose(dtype, what + " running mean", expectedRunMean, plus(stats[2], runMean), get(rm));
      tolerance().assertSumsClose(dtype, what + " running var", expectedRunVar, plus(stats[3], runVar), get(rv));
      Buffer mean2 = poisoned(dtype, s[1]);
      Buffer var2 = poisoned(dtype, s[1]);
      backend.batchNormStatistics(put(dtype, x), s[0], s[1], s[2], mean2, var2, momentum, null, null);
      tolerance().assertSumsClose(dtype, what + " without running statistics", stats[1], stats[3], get(var2));
    }
  }

  /**
   * Per channel of x [B, C, S]: {mean, biased variance, Σ|x|/n (the mean's magnitude), Σ(x − mean)²/n + 2·|mean|·
   * Σ|x|/n (a bound on the variance's accumulated terms)}.
   */
  private static double[][] statistics(double[] x, int[] s) {
    double[][] out = new double[4][s[1]];
    int n = s[0] * s[2];
    for (int c = 0; c < s[1]; c++) {
      double sum = 0;
      double abs = 0;
      for (int b = 0; b < s[0]; b++) {
        for (int i = 0; i < s[2]; i++) {
          sum += x[(b * s[1] + c) * s[2] + i];
          abs += Math.abs(x[(b * s[1] + c) * s[2] + i]);
        }
      }
      double mean = sum / n;
      double squares = 0;
      for (int b = 0; b < s[0]; b++) {
        for (int i = 0; i < s[2]; i++) {
          double d = x[(b * s[1] + c) * s[2] + i] - mean;
          squares += d * d;
        }
      }
      out[0][c] = mean;
      out[1][c] = squares / n;
      out[2][c] = abs / n;
      out[3][c] = squares / n + 2 * Math.abs(mean) * abs / n + mean * mean;
    }
    return out;
  }

  @EachFloatType
  void batchNormForwardAndBackwardInBothModes(DType dtype) {
    assumeSupported(dtype);
    double eps = 1e-5;
    for (int[] s : NORMS) {
      int channels = s[1];
      double[] x = values(dtype, s[0] * channels * s[2]);
      double[] mean = values(dtype, channels);
      double[] var = positive(dtype, channels);
      double[] gamma = values(dtype, channels);
      double[] beta = values(dtype, channels);
      double[] dy = values(dtype, x.length);
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        int c = i / s[2] % channels;
        y[i] = (x[i] - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
      }
      String what = "batchNorm " + Arrays.toString(s);
      Buffer gotY = poisoned(dtype, x.length);
      backend.batchNorm(put(dtype, x), s[0], channels, s[2], put(dtype, mean), put(dtype, var), eps,
          put(dtype, gamma), put(dtype, beta), gotY);
      tolerance().assertClose(dtype, what, y, get(gotY));
      for (BatchNormStatistics mode : BatchNormStatistics.values()) {
        Buffer gotDx = poisoned(dtype, x.length);
        Buffer gotDgamma = poisoned(dtype, channels);
        Buffer gotDbeta = poisoned(dtype, channels);
        backend.batchNormBackward(mode, put(dtype, x), s[0], channels, s[2], put(dtype, mean), put(dtype, var), eps,
            put(dtype, gamma), put(dtype, dy), gotDx, gotDgamma, gotDbeta);
        checkBatchNormGradients(dtype, what + " backward " + mode, mode, s, x, mean, var, gamma, dy, eps, gotDx,
            gotDgamma, gotDbeta);
      }
    }
  }

  /**
   * batchNormBackward's gradients against float64 ones: dx, dgamma and dbeta for x and dy [B, C, S] (s), compared
   * with tolerances scaled by the sums of the terms' magnitudes.
   */
  private void checkBatchNormGradients(DType dtype, String what, BatchNormStatistics mode, int[] s, double[] x,
      double[] mean, double[] var, double[] gamma, double[] dy, double eps, Buffer gotDx, Buffer gotDgamma,
      Buffer gotDbeta) {
    int channels = s[1];
    int n = s[0] * s[2];
    double[] sumDy = new double[channels];
    double[] sumDyXhat = new double[channels];
    double[] magnitude = new double[channels];
    double[] magnitudeXhat = new double[channels];
    for (int i = 0; i < x.length; i++) {
      int c = i / s[2] % channels;
      double xhat = (x[i] - mean[c]) / Math.sqrt(var[c] + eps);
      sumDy[c] += dy[i];
      sumDyXhat[c] += dy[i] * xhat;
      magnitude[c] += Math.abs(dy[i]);
      magnitudeXhat[c] += Math.abs(dy[i] * xhat);
    }
    double[] dx = new double[x.length];
    double[] dxMagnitude = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int c = i / s[2] % channels;
      double invStd = 1 / Math.sqrt(var[c] + eps);
      double xhat = (x[i] - mean[c]) * invStd;
      double d = dy[i];
      double m = Math.abs(dy[i]);
      if (mode == BatchNormStatistics.BATCH) {
        d -= (sumDy[c] + xhat * sumDyXhat[c]) / n;
        m += (magnitude[c] + Math.abs(xhat) * magnitudeXhat[c]) / n;
      }
      dx[i] = gamma[c] * d * invStd;
      dxMagnitude[i] = Math.abs(gamma[c] * invStd) * m;
    }
    tolerance().assertSumsClose(dtype, what + " dx", dx, dxMagnitude, get(gotDx));
    tolerance().assertSumsClose(dtype, what + " dgamma", sumDyXhat, magnitudeXhat, get(gotDgamma));
    tolerance().assertSumsClose(dtype, what + " dbeta", sumDy, magnitude, get(gotDbeta));
  }

  /**
   * The fused batch norm and max pooling against batchNorm then maxPool2d on this backend: the same outputs, bit for
   * bit, and the same indices (gammas of both signs, so the winning tap of x is not always the output's); gradients,
   * in both modes, against float64 ones for the dy that maxPool2dBackward would spread.
   */
  @EachFloatType
  void batchNormMaxPool2dIsBatchNormThenMaxPool2d(DType dtype) {
    assumeSupported(dtype);
    double eps = 1e-5;
    for (Pool2dGeometry g : POOLS) {
      int channels = g.channels();
      int[] s = {g.batch(), channels, g.height() * g.width()};
      int outputs = (int) g.outputSize();
      double[] x = values(dtype, (int) g.inputSize());
      double[] mean = values(dtype, channels);
      double[] var = positive(dtype, channels);
      double[] gamma = values(dtype, channels);
      Buffer bx = put(dtype, x);
      Buffer bmean = put(dtype, mean);
      Buffer bvar = put(dtype, var);
      Buffer bgamma = put(dtype, gamma);
      Buffer bbeta = put(dtype, values(dtype, channels));
      Buffer normalized = poisoned(dtype, x.length);
      backend.batchNorm(bx, s[0], channels, s[2], bmean, bvar, eps, bgamma, bbeta, normalized);
      Buffer partsY = poisoned(dtype, outputs);
      Buffer partsIndices = backend.allocate(DType.INT32, outputs);
      backend.maxPool2d(g, normalized, partsY, partsIndices);
      Buffer y = poisoned(dtype, outputs);
      Buffer indices = backend.allocate(DType.INT32, outputs);
      backend.upload(indices, filledInts(outputs, -7));
      backend.batchNormMaxPool2d(g, bx, bmean, bvar, eps, bgamma, bbeta, y, indices);
      String what = "batchNormMaxPool2d " + g;
      assertArrayEquals(get(partsY), get(y), what);
      int[] arg = new int[outputs];
      backend.download(partsIndices, arg);
      int[] gotIndices = new int[outputs];
      backend.download(indices, gotIndices);
      assertArrayEquals(arg, gotIndices, what + " indices");

      double[] pooledDy = values(dtype, outputs);
      double[] dy = new double[x.length];
      int outPlane = g.outHeight() * g.outWidth();
      for (int out = 0; out < outputs; out++) {
        dy[out / outPlane * s[2] + arg[out]] += pooledDy[out];
      }
      for (BatchNormStatistics mode : BatchNormStatistics.values()) {
        Buffer gotDx = poisoned(dtype, x.length);
        Buffer gotDgamma = poisoned(dtype, channels);
        Buffer gotDbeta = poisoned(dtype, channels);
        backend.batchNormMaxPool2dBackward(mode, g, bx, bmean, bvar, eps, bgamma, indices, put(dtype, pooledDy),
            gotDx, gotDgamma, gotDbeta);
        checkBatchNormGradients(dtype, what + " backward " + mode, mode, s, x, mean, var, gamma, dy, eps, gotDx,
            gotDgamma, gotDbeta);
      }
    }
  }

  /**
   * The fused batch norm, shortcut sum and ReLU against batchNorm, ADD and RELU on this backend, with and without
   * the residual: the same y bit for bit (a NaN in the residual passing through, and then dy); dz as RELU's
   * unaryBackward gives it from y, bit for bit, and dx, dgamma and dbeta, in both modes, against float64 ones for that
   * dz.
   */
  @EachFloatType
  void batchNormReluIsBatchNormAddRelu(DType dtype) {
    assumeSupported(dtype);
    double eps = 1e-5;
    for (int[] s : NORMS) {
      for (boolean withResidual : new boolean[] {false, true}) {
        int channels = s[1];
        double[] x = values(dtype, s[0] * channels * s[2]);
        double[] mean = values(dtype, channels);
        double[] var = positive(dtype, channels);
        double[] gamma = values(dtype, channels);
        Buffer bx = put(dtype, x);
        Buffer bmean = put(dtype, mean);
        Buffer bvar = put(dtype, var);
        Buffer bgamma = put(dtype, gamma);
        Buffer bbeta = put(dtype, values(dtype, channels));
        Buffer residual = null;
        if (withResidual) {
          double[] r = values(dtype, x.length);
          r[x.length / 2] = Double.NaN;
          residual = put(dtype, r);
        }
        Buffer parts = poisoned(dtype, x.length);
        backend.batchNorm(bx, s[0], channels, s[2], bmean, bvar, eps, bgamma, bbeta, parts);
        if (withResidual) {
          Shape shape = Shape.of(s[0], channels, s[2]);
          backend.binary(BinaryOp.ADD, parts, shape, residual, shape, parts, shape);
        }
        backend.unary(UnaryOp.RELU, 0, parts, parts);
        Buffer y = poisoned(dtype, x.length);
        backend.batchNormRelu(bx, s[0], channels, s[2], bmean, bvar, eps, bgamma, bbeta, residual, y);
        String what = "batchNormRelu " + Arrays.toString(s) + (withResidual ? " with a residual" : "");
        double[] gotY = get(y);
        assertArrayEquals(get(parts), gotY, what);

        Buffer by = put(dtype, gotY); // its NaN passes dy, as RELU's gradient does
        Buffer bdy = put(dtype, values(dtype, x.length));
        Buffer expectedDz = poisoned(dtype, x.length);
        backend.unaryBackward(UnaryOp.RELU, 0, by, bdy, expectedDz);
        double[] dz = get(expectedDz);
        for (BatchNormStatistics mode : BatchNormStatistics.values()) {
          Buffer gotDz = poisoned(dtype, x.length);
          Buffer gotDx = poisoned(dtype, x.length);
          Buffer gotDgamma = poisoned(dtype, channels);
          Buffer gotDbeta = poisoned(dtype, channels);
          backend.batchNormReluBackward(mode, bx, s[0], channels, s[2], bmean, bvar, eps, bgamma, by, bdy, gotDz,
              gotDx, gotDgamma, gotDbeta);
          assertArrayEquals(dz, get(gotDz), what + " backward " + mode + " dz");
          checkBatchNormGradients(dtype, what + " backward " + mode, mode, s, x, mean, var, gamma, dz, eps, gotDx,
              gotDgamma, gotDbeta);
        }
      }
    }
  }

  /** n uniform values in [0.5, 2), for variances. */
  private double[] positive(DType dtype, int n) {
    return values(dtype, n, 0.5, 2);
  }

  private static double[] plus(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.abs(a[i]) + Math.abs(b[i]);
    }
    return out;
  }

  private static int[] filledInts(int n, int value) {
    int[] v = new int[n];
    Arrays.fill(v, value);
    return v;
  }
}
