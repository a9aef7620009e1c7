package io.jgrad.cpu;

import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 max pooling and batch norm on the CPU: the loops of {@link CnnReference} on bare arrays in SIMD, split over
 * the threads by plane (pooling, 2×2 windows of stride 2 in {@link MaxPool2x2}; batch norm's normalisation and
 * gradient, each plane's sums kept apart and a channel's added in sample order) or by channel (batch norm's statistics
 * and pooled gradient, whose sums stay in one thread): float vectors over blocks of a plane, added in double, so the
 * result does not depend on the thread count. Legend: B = batch, C = channels, S = H·W.
 */
final class PoolNormKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Elements per float partial sum of the batch-norm reductions: 64 terms a lane at most (16 lanes). */
  private static final int BLOCK = 1024;

  private final WorkerTeam team;
  /** {@link #planeGradient}'s per-plane sums and per-channel coefficients. */
  private double[] planeSums = new double[0];

  PoolNormKernels(WorkerTeam team) {
    this.team = team;
  }

  /** A loop over [0, count) cut into one contiguous range per thread. */
  private interface RangeTask {
    void run(int from, int to);
  }

  private void split(int count, RangeTask task) {
    if (team.threads() == 1 || count < 2) {
      task.run(0, count);
      return;
    }
    team.run((part, parts) -> task.run((int) ((long) part * count / parts), (int) ((long) (part + 1) * count / parts)));
  }

  /** Whether {@link MaxPool2x2} pools this window: 2×2, stride 2, no padding or dilation (disjoint windows). */
  static boolean pairs(Window2d k) {
    return k.kernelH() == 2 && k.kernelW() == 2 && k.strideH() == 2 && k.strideW() == 2 && k.padH() == 0
        && k.padW() == 0 && k.dilationH() == 1 && k.dilationW() == 1;
  }

  void maxPool2d(Pool2dGeometry g, float[] x, float[] y, int[] indices) {
    Window2d k = g.window();
    boolean pairs = pairs(k);
    split(g.batch() * g.channels(), (from, to) -> {
      if (pairs) {
        MaxPool2x2.planes(x, y, indices, from, to, g.height(), g.width());
        return;
      }
      for (int bc = from; bc < to; bc++) {
        maxPoolPlane(x, y, indices, bc, g.height(), g.width(), g.outHeight(), g.outWidth(), k);
      }
    });
  }

  private static void maxPoolPlane(float[] x, float[] y, int[] indices, int bc, int h, int w, int oh, int ow,
      Window2d k) {
    int kh = k.kernelH();
    int kw = k.kernelW();
    int sh = k.strideH();
    int sw = k.strideW();
    int ph = k.padH();
    int pw = k.padW();
    int dh = k.dilationH();
    int dw = k.dilationW();
    int plane = bc * h * w;
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        float max = Float.NEGATIVE_INFINITY;
        int arg = -1;
        for (int p = 0; p < kh; p++) {
          int r = i * sh - ph + p * dh;
          if (r < 0 || r >= h) {
            continue;
          }
          for (int q = 0; q < kw; q++) {
            int c = j * sw - pw + q * dw;
            if (c >= 0 && c < w) {
              float e = x[plane + r * w + c];
              if (arg < 0 || e > max || (e != e && max == max)) {
                max = e;
                arg = r * w + c;
              }
            }
          }
        }
        int out = (bc * oh + i) * ow + j;
        y[out] = max;
        indices[out] = arg;
      }
    }
  }

  void maxPool2dBackward(Pool2dGeometry g, int[] indices, float[] dy, float[] dx) {
    int outPlane = g.outHeight() * g.outWidth();
    int plane = g.height() * g.width();
    split(g.batch() * g.channels(), (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        // Zeroed plane by plane, so the additions find it in L1: zeroing a thread's whole range first (8 MB of
        // CIFAR-10's first block) left it to be read back from memory.
        Arrays.fill(dx, bc * plane, (bc + 1) * plane, 0f);
        for (int s = 0; s < outPlane; s++) {
          dx[bc * plane + indices[bc * outPlane + s]] += dy[bc * outPlane + s];
        }
      }
    });
  }

  void batchNormStatistics(float[] x, int batch, int channels, int spatial, float[] mean, float[] var,
      double momentum, float[] runningMean, float[] runningVar) {
    long n = (long) batch * spatial;
    split(channels, (from, to) -> {
      for (int c = from; c < to; c++) {
        double sum = 0;
        for (int b = 0; b < batch; b++) {
          sum += sum(x, (b * channels + c) * spatial, spatial);
        }
        double m = sum / n;
        double squares = 0;
        for (int b = 0; b < batch; b++) {
          squares += squaredDeviations(x, (b * channels + c) * spatial, spatial, m);
        }
        double v = squares / n;
        mean[c] = (float) m;
        var[c] = (float) v;
        if (runningMean != null) {
          double unbiased = n > 1 ? v * n / (n - 1) : v;
          runningMean[c] = (float) ((1 - momentum) * runningMean[c] + momentum * m);
          runningVar[c] = (float) ((1 - momentum) * runningVar[c] + momentum * unbiased);
        }
      }
    });
  }

  /**
   * Σ x[off, off + n): L float partial sums over blocks of at most {@link #BLOCK} elements, each block's added in
   * double, so no float sum grows past BLOCK/L terms.
   */
  private static double sum(float[] x, int off, int n) {
    double s = 0;
    for (int b0 = off; b0 < off + n; b0 += BLOCK) {
      int end = Math.min(off + n, b0 + BLOCK);
      FloatVector acc = FloatVector.zero(F);
      int i = b0;
      for (; i + L <= end; i += L) {
        acc = acc.add(FloatVector.fromArray(F, x, i));
      }
      s += LaneSums.sum(acc);
      for (; i < end; i++) {
        s += x[i];
      }
    }
    return s;
  }

  /** Σ (x − m)² over x[off, off + n), blocked as {@link #sum}. */
  private static double squaredDeviations(float[] x, int off, int n, double m) {
    float mf = (float) m;
    FloatVector mean = FloatVector.broadcast(F, mf);
    double s = 0;
    for (int b0 = off; b0 < off + n; b0 += BLOCK) {
      int end = Math.min(off + n, b0 + BLOCK);
      FloatVector acc = FloatVector.zero(F);
      int i = b0;
      for (; i + L <= end; i += L) {
        FloatVector d = FloatVector.fromArray(F, x, i).sub(mean);
        acc = d.fma(d, acc);
      }
      s += LaneSums.sum(acc);
      for (; i < end; i++) {
        double d = x[i] - mf;
        s += d * d;
      }
    }
    return s;
  }

  private static float scale(float[] gamma, float[] var, double eps, int c) {
    return (float) (gamma[c] / Math.sqrt(var[c] + eps));
  }

  private static float shift(float[] beta, float[] mean, float scale, int c) {
    return beta[c] - mean[c] * scale;
  }

  /**
   * One channel's batch-norm gradient at a time, reused along a thread's channels (no allocation per channel): its
   * dgamma and dbeta, and the coefficients of its input gradient dx = gamma·invStd·(dy − (Σdy + x̂·Σdy·x̂)/n) =
   * a·dy + b·(x − mean) + d, with x̂ = (x − mean)·invStd, n = B·S (b = d = 0 with RUNNING statistics, which do not
   * depend on x).
   */
  private static final class ChannelGradient {
    private double sumDy;
    private double sumDyCentred;
    float a;
    float b;
    float d;

    /**
     * For channel c of x [B, C, S]: dy's planes hold dyPlane elements each, dy against x at the same position, or, with
     * indices, a pooled dy against x at its window's maximum. Writes dgamma[c] and dbeta[c].
     */
    void compute(BatchNormStatistics statistics, int c, int batch, int channels, int spatial, float[] x, float[] dy,
        int dyPlane, int[] indices, float[] mean, float[] var, double eps, float[] gamma, float[] dgamma,
        float[] dbeta) {
      sumDy = 0;
      sumDyCentred = 0;
      for (int p = 0; p < batch; p++) {
        int plane = p * channels + c;
        addSums(dy, plane * dyPlane, dyPlane, x, plane * spatial, indices, mean[c]);
      }
      finish(statistics, c, (long) batch * spatial, sumDy, sumDyCentred, var, eps, gamma, dgamma, dbeta);
    }

    /** dgamma[c], dbeta[c] and the coefficients of channel c from its sums Σdy and Σdy·(x − mean) over n elements. */
    void finish(BatchNormStatistics statistics, int c, long n, double sumDy, double sumDyCentred, float[] var,
        double eps, float[] gamma, float[] dgamma, float[] dbeta) {
      double invStd = 1 / Math.sqrt(var[c] + eps);
      dgamma[c] = (float) (sumDyCentred * invStd);
      dbeta[c] = (float) sumDy;
      boolean batchStatistics = statistics == BatchNormStatistics.BATCH;
      a = (float) (gamma[c] * invStd);
      b = batchStatistics ? (float) (-gamma[c] * invStd * invStd * invStd * sumDyCentred / n) : 0f;
      d = batchStatistics ? (float) (-gamma[c] * invStd * sumDy / n) : 0f;
    }

    /**
     * Adds Σdy and Σdy·(x − m) over dy[dyOff, dyOff + count), x at the same offset from xOff or at xOff + the index:
     * L float partial sums over blocks of at most {@link #BLOCK} elements, each block's added in double.
     */
    private void addSums(float[] dy, int dyOff, int count, float[] x, int xOff, int[] indices, float m) {
      FloatVector vm = FloatVector.broadcast(F, m);
      int shift = xOff - dyOff;
      for (int b0 = dyOff; b0 < dyOff + count; b0 += BLOCK) {
        int end = Math.min(dyOff + count, b0 + BLOCK);
        FloatVector s = FloatVector.zero(F);
        FloatVector sc = FloatVector.zero(F);
        int i = b0;
        for (; i + L <= end; i += L) {
          FloatVector g = FloatVector.fromArray(F, dy, i);
          FloatVector xs = indices == null ? FloatVector.fromArray(F, x, i + shift)
              : FloatVector.fromArray(F, x, xOff, indices, i);
          s = s.add(g);
          sc = g.fma(xs.sub(vm), sc);
        }
        sumDy += LaneSums.sum(s);
        sumDyCentred += LaneSums.sum(sc);
        for (; i < end; i++) {
          sumDy += dy[i];
          sumDyCentred += dy[i] * (double) (x[indices == null ? i + shift : xOff + indices[i]] - m);
        }
      }
    }
  }

  /**
   * maxPool2d over batchNorm's output for 2×2 windows of stride 2 ({@link #pairs}), each window normalised as it is
   * pooled: the same y and indices as the two kernels, without writing and reading back the normalised planes.
   */
  void batchNormMaxPool2d(Pool2dGeometry g, float[] x, float[] mean, float[] var, double eps, float[] gamma,
      float[] beta, float[] y, int[] indices) {
    int channels = g.channels();
    split(g.batch() * channels, (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        int c = bc % channels;
        float scale = scale(gamma, var, eps, c);
        MaxPool2x2.plane(x, scale, shift(beta, mean, scale, c), y, indices, bc, to, g.height(), g.width());
      }
    });
  }

  /**
   * batchNormBackward for the gradient maxPool2dBackward would spread from the pooled dy, reading dy and the indices
   * where they lie: the sums run over the windows' maxima only (x gathered there), and dx = b·(x − mean) + d over each
   * plane, plus a·dy at each maximum: in one pass where rows are at least a vector wide ({@link PooledNormGradient}),
   * else the plane pass and then a scatter. 2×2 windows of stride 2 only ({@link #pairs}): disjoint, so no two maxima
   * share a position.
   */
  void batchNormMaxPool2dBackward(BatchNormStatistics statistics, Pool2dGeometry g, float[] x, float[] mean,
      float[] var, double eps, float[] gamma, int[] indices, float[] dy, float[] dx, float[] dgamma, float[] dbeta) {
    int batch = g.batch();
    int channels = g.channels();
    int spatial = g.height() * g.width();
    int pooled = g.outHeight() * g.outWidth();
    PooledNormGradient rows = PooledNormGradient.applies(g.width())
        ? new PooledNormGradient(g.height(), g.width(), g.outHeight(), g.outWidth()) : null;
    split(channels, (from, to) -> {
      ChannelGradient grad = new ChannelGradient();
      for (int c = from; c < to; c++) {
        float m = mean[c];
        FloatVector vm = FloatVector.broadcast(F, m);
        grad.compute(statistics, c, batch, channels, spatial, x, dy, pooled, indices, mean, var, eps, gamma, dgamma,
            dbeta);
        FloatVector vb = FloatVector.broadcast(F, grad.b);
        FloatVector vd = FloatVector.broadcast(F, grad.d);
        for (int b = 0; b < batch; b++) {
          int in = (b * channels + c) * spatial;
          if (rows != null) {
            rows.plane(x, dy, indices, dx, in, (b * channels + c) * pooled, m, grad.a, grad.b, grad.d);
            continue;
          }
          int i = in;
          for (; i + L <= in + spatial; i += L) {
            FloatVector.fromArray(F, x, i).sub(vm).fma(vb, vd).intoArray(dx, i);
          }
          for (; i < in + spatial; i++) {
            dx[i] = Math.fma(x[i] - m, grad.b, grad.d);
          }
          int out = (b * channels + c) * pooled;
          for (int j = out; j < out + pooled; j++) {
            int at = in + indices[j];
            dx[at] = Math.fma(dy[j], grad.a, dx[at]);
          }
        }
      }
    });
  }

  void batchNorm(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] y) {
    normalise(x, batch, channels, spatial, mean, var, eps, gamma, beta, null, false, y);
  }

  void batchNormBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] dy, float[] dx, float[] dgamma, float[] dbeta) {
    planeGradient(statistics, x, batch, channels, spatial, mean, var, eps, gamma, null, dy, dy, dx, dgamma, dbeta);
  }

  /** y = RELU(batchNorm(x) + residual) (residual null: RELU(batchNorm(x))) in one pass ({@link #normalise}). */
  void batchNormRelu(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] residual, float[] y) {
    normalise(x, batch, channels, spatial, mean, var, eps, gamma, beta, residual, true, y);
  }

  /**
   * y = batchNorm(x), plus residual where it is not null, then RELU where {@code rectify}: plane by plane, each value
   * rounded as the separate kernels round it (the fused pooling relies on the normalisation's fma).
   */
  private void normalise(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] residual, boolean rectify, float[] y) {
    split(batch * channels, (from, to) -> {
      FloatVector zero = FloatVector.zero(F);
      for (int bc = from; bc < to; bc++) {
        int c = bc % channels;
        float scale = scale(gamma, var, eps, c);
        float shift = shift(beta, mean, scale, c);
        int off = bc * spatial;
        FloatVector vs = FloatVector.broadcast(F, scale);
        FloatVector vt = FloatVector.broadcast(F, shift);
        int i = off;
        for (; i + L <= off + spatial; i += L) {
          FloatVector v = FloatVector.fromArray(F, x, i).fma(vs, vt);
          if (residual != null) {
            v = v.add(FloatVector.fromArray(F, residual, i));
          }
          if (rectify) {
            v = v.blend(zero, v.compare(VectorOperators.LE, 0f));
          }
          v.intoArray(y, i);
        }
        for (; i < off + spatial; i++) {
          float v = Math.fma(x[i], scale, shift);
          if (residual != null) {
            v += residual[i];
          }
          y[i] = rectify && v <= 0 ? 0f : v;
        }
      }
    });
  }

  /** batchNormBackward for RELU's gradient dz of dy at the output y, written ({@link #planeGradient}). */
  void batchNormReluBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] y, float[] dy, float[] dz, float[] dx,
      float[] dgamma, float[] dbeta) {
    planeGradient(statistics, x, batch, channels, spatial, mean, var, eps, gamma, y, dy, dz, dx, dgamma, dbeta);
  }

  /**
   * batchNormBackward for dz, in two passes over the [B, C] planes in memory order, split over the threads as they
   * lie: the first writes dz = RELU's gradient of dy at y (with y null, dz is dy, not written) and each plane's Σdz
   * and Σdz·(x − mean); each channel's coefficients then add its planes' sums in sample order, so the result does
   * not depend on the thread count; the second writes dx. Channel by channel, each pass read B runs of S floats
   * lying C·S apart: ResNet's first stage ([128, 16, 784]) with the ReLU, timed alone, 1.5–2.0 ms that way against
   * 0.93–1.25 ms in memory order (docs/benchmarks.md, "Batch norm with its ReLU and the shortcut's sum").
   */
  private void planeGradient(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] y, float[] dy, float[] dz, float[] dx,
      float[] dgamma, float[] dbeta) {
    int planes = batch * channels;
    double[] sums = planeSums(2 * planes + 3 * channels);
    split(planes, (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        addPlaneSums(x, mean[bc % channels], y, dy, dz, bc * spatial, spatial, sums, 2 * bc);
      }
    });
    ChannelGradient grad = new ChannelGradient();
    int coefficients = 2 * planes;
    for (int c = 0; c < channels; c++) {
      double sumDy = 0;
      double sumDyCentred = 0;
      for (int bc = c; bc < planes; bc += channels) {
        sumDy += sums[2 * bc];
        sumDyCentred += sums[2 * bc + 1];
      }
      grad.finish(statistics, c, (long) batch * spatial, sumDy, sumDyCentred, var, eps, gamma, dgamma, dbeta);
      sums[coefficients + 3 * c] = grad.a;
      sums[coefficients + 3 * c + 1] = grad.b;
      sums[coefficients + 3 * c + 2] = grad.d;
    }
    split(planes, (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        int c = bc % channels;
        int k = coefficients + 3 * c;
        inputGradient(x, mean[c], dz, dx, bc * spatial, spatial, (float) sums[k], (float) sums[k + 1],
            (float) sums[k + 2]);
      }
    });
  }

  /** Scratch of at least n doubles, kept between calls as {@link ConvKernels} keeps its column matrices. */
  private double[] planeSums(int n) {
    if (planeSums.length < n) {
      planeSums = new double[n];
    }
    return planeSums;
  }

  /**
   * sums[at] = Σg and sums[at + 1] = Σg·(x − m) over [off, off + count), g = dy where y is null, else RELU's gradient
   * of dy at y (dy where y &gt; 0 or is NaN, else 0), written to dz: float partial sums over blocks of at most
   * {@link #BLOCK} elements, each block's added in double.
   */
  private static void addPlaneSums(float[] x, float m, float[] y, float[] dy, float[] dz, int off, int count,
      double[] sums, int at) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector zero = FloatVector.zero(F);
    double sum = 0;
    double centred = 0;
    for (int b0 = off; b0 < off + count; b0 += BLOCK) {
      int end = Math.min(off + count, b0 + BLOCK);
      FloatVector s = zero;
      FloatVector sc = zero;
      int i = b0;
      for (; i + L <= end; i += L) {
        FloatVector g = FloatVector.fromArray(F, dy, i);
        if (y != null) {
          g = g.blend(zero, FloatVector.fromArray(F, y, i).compare(VectorOperators.LE, 0f));
          g.intoArray(dz, i);
        }
        s = s.add(g);
        sc = g.fma(FloatVector.fromArray(F, x, i).sub(vm), sc);
      }
      sum += LaneSums.sum(s);
      centred += LaneSums.sum(sc);
      for (; i < end; i++) {
        float g = dy[i];
        if (y != null) {
          g = y[i] <= 0 ? 0f : g;
          dz[i] = g;
        }
        sum += g;
        centred += g * (double) (x[i] - m);
      }
    }
    sums[at] = sum;
    sums[at + 1] = centred;
  }

  /** dx = a·dz + b·(x − m) + d over [off, off + count). */
  private static void inputGradient(float[] x, float m, float[] dz, float[] dx, int off, int count, float a, float b,
      float d) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector va = FloatVector.broadcast(F, a);
    FloatVector vb = FloatVector.broadcast(F, b);
    FloatVector vd = FloatVector.broadcast(F, d);
    int i = off;
    for (; i + L <= off + count; i += L) {
      FloatVector centred = FloatVector.fromArray(F, x, i).sub(vm);
      FloatVector.fromArray(F, dz, i).fma(va, centred.fma(vb, vd)).intoArray(dx, i);
    }
    for (; i < off + count; i++) {
      dx[i] = Math.fma(dz[i], a, Math.fma(x[i] - m, b, d));
    }
  }
}
