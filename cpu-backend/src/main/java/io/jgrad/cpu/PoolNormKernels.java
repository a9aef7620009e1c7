package io.jgrad.cpu;

import io.jgrad.BatchNormStatistics;
import io.jgrad.Pool2dGeometry;
import io.jgrad.Window2d;
import java.util.Arrays;

/**
 * Float32 max pooling and batch norm on the CPU: the loops of {@link CnnReference} on bare arrays, split over the
 * threads by plane (pooling) or by channel (batch norm, whose sums stay in one thread, in double, so the result does
 * not depend on the thread count). Legend: B = batch, C = channels, S = H·W.
 */
final class PoolNormKernels {
  private final WorkerTeam team;

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

  void maxPool2d(Pool2dGeometry g, float[] x, float[] y, int[] indices) {
    Window2d k = g.window();
    boolean pairs = k.kernelH() == 2 && k.kernelW() == 2 && k.strideH() == 2 && k.strideW() == 2 && k.padH() == 0
        && k.padW() == 0 && k.dilationH() == 1 && k.dilationW() == 1;
    split(g.batch() * g.channels(), (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        if (pairs) {
          maxPool2x2(x, y, indices, bc, g.height(), g.width(), g.outHeight(), g.outWidth());
        } else {
          maxPoolPlane(x, y, indices, bc, g.height(), g.width(), g.outHeight(), g.outWidth(), k);
        }
      }
    });
  }

  /** The CNN's 2×2 pooling of stride 2 on one plane: four taps, no bounds to check. */
  private static void maxPool2x2(float[] x, float[] y, int[] indices, int bc, int h, int w, int oh, int ow) {
    int plane = bc * h * w;
    for (int i = 0; i < oh; i++) {
      int out = (bc * oh + i) * ow;
      int top = 2 * i * w;
      for (int j = 0; j < ow; j++) {
        int a = top + 2 * j;
        int arg = a;
        float max = x[plane + a];
        // Taps in window order; the first maximum wins and the first NaN beats every number, as torch.
        float e = x[plane + a + 1];
        if (e > max || (e != e && max == max)) {
          max = e;
          arg = a + 1;
        }
        e = x[plane + a + w];
        if (e > max || (e != e && max == max)) {
          max = e;
          arg = a + w;
        }
        e = x[plane + a + w + 1];
        if (e > max || (e != e && max == max)) {
          max = e;
          arg = a + w + 1;
        }
        y[out + j] = max;
        indices[out + j] = arg;
      }
    }
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
      Arrays.fill(dx, from * plane, to * plane, 0f);
      for (int bc = from; bc < to; bc++) {
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

  private static double sum(float[] x, int off, int n) {
    double s = 0;
    for (int i = off; i < off + n; i++) {
      s += x[i];
    }
    return s;
  }

  private static double squaredDeviations(float[] x, int off, int n, double m) {
    double s = 0;
    for (int i = off; i < off + n; i++) {
      double d = x[i] - m;
      s += d * d;
    }
    return s;
  }

  void batchNorm(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] y) {
    split(batch * channels, (from, to) -> {
      for (int bc = from; bc < to; bc++) {
        int c = bc % channels;
        float scale = (float) (gamma[c] / Math.sqrt(var[c] + eps));
        float shift = beta[c] - mean[c] * scale;
        int off = bc * spatial;
        for (int i = off; i < off + spatial; i++) {
          y[i] = x[i] * scale + shift;
        }
      }
    });
  }

  void batchNormBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] dy, float[] dx, float[] dgamma, float[] dbeta) {
    long n = (long) batch * spatial;
    split(channels, (from, to) -> {
      for (int c = from; c < to; c++) {
        float m = mean[c];
        double invStd = 1 / Math.sqrt(var[c] + eps);
        double sumDy = 0;
        double sumDyCentred = 0;
        for (int b = 0; b < batch; b++) {
          int off = (b * channels + c) * spatial;
          double s = 0;
          double sc = 0;
          for (int i = off; i < off + spatial; i++) {
            s += dy[i];
            sc += dy[i] * (double) (x[i] - m);
          }
          sumDy += s;
          sumDyCentred += sc;
        }
        double sumDyXhat = sumDyCentred * invStd;
        dgamma[c] = (float) sumDyXhat;
        dbeta[c] = (float) sumDy;
        // dx = gamma·invStd·(dy − (Σdy + x̂·Σdy·x̂)/n) = a·dy + b·(x − mean) + d, with x̂ = (x − mean)·invStd.
        boolean batchStatistics = statistics == BatchNormStatistics.BATCH;
        float a = (float) (gamma[c] * invStd);
        float bCoef = batchStatistics ? (float) (-gamma[c] * invStd * invStd * invStd * sumDyCentred / n) : 0f;
        float d = batchStatistics ? (float) (-gamma[c] * invStd * sumDy / n) : 0f;
        for (int b = 0; b < batch; b++) {
          int off = (b * channels + c) * spatial;
          for (int i = off; i < off + spatial; i++) {
            dx[i] = a * dy[i] + bCoef * (x[i] - m) + d;
          }
        }
      }
    });
  }
}
