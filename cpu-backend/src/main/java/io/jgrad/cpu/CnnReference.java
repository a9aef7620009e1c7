package io.jgrad.cpu;

import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.Window2d;

/**
 * The convolution, pooling and batch-norm kernels of {@link io.jgrad.Backend} as the plainest loops, in double, for
 * {@link CpuScalarBackend} (the oracle) and for the float64 calls of {@link CpuBackend}. Arguments are checked by
 * {@link CnnBuffers} before they get here. Legend: B = batch, C = input channels, O = output channels, G = groups.
 */
final class CnnReference {
  private CnnReference() {}

  /** The input row (or column) that output position i reads at tap p, or −1 in the padding. */
  private static int tap(int i, int p, int stride, int pad, int dilation, int extent) {
    int h = i * stride - pad + p * dilation;
    return h >= 0 && h < extent ? h : -1;
  }

  static void conv2d(Conv2dGeometry g, CpuBuffer x, CpuBuffer w, CpuBuffer bias, CpuBuffer y) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int cg = g.inChannels() / g.groups();
    int og = g.outChannels() / g.groups();
    for (int b = 0; b < g.batch(); b++) {
      for (int o = 0; o < g.outChannels(); o++) {
        int c0 = o / og * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = bias == null ? 0 : bias.get(o);
            for (int c = 0; c < cg; c++) {
              for (int p = 0; p < k.kernelH(); p++) {
                int h = tap(i, p, k.strideH(), k.padH(), k.dilationH(), g.height());
                for (int q = 0; q < k.kernelW() && h >= 0; q++) {
                  int v = tap(j, q, k.strideW(), k.padW(), k.dilationW(), g.width());
                  if (v >= 0) {
                    sum += w.get(((o * cg + c) * k.kernelH() + p) * k.kernelW() + q)
                        * x.get(((b * g.inChannels() + c0 + c) * g.height() + h) * g.width() + v);
                  }
                }
              }
            }
            y.set(((b * g.outChannels() + o) * oh + i) * ow + j, sum);
          }
        }
      }
    }
  }

  /** dx by scattering every dy·w product into the input element its tap read. */
  static void conv2dBackwardInput(Conv2dGeometry g, CpuBuffer dy, CpuBuffer w, CpuBuffer dx) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int cg = g.inChannels() / g.groups();
    int og = g.outChannels() / g.groups();
    double[] sums = new double[(int) g.inputSize()];
    for (int b = 0; b < g.batch(); b++) {
      for (int o = 0; o < g.outChannels(); o++) {
        int c0 = o / og * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double d = dy.get(((b * g.outChannels() + o) * oh + i) * ow + j);
            for (int c = 0; c < cg; c++) {
              for (int p = 0; p < k.kernelH(); p++) {
                int h = tap(i, p, k.strideH(), k.padH(), k.dilationH(), g.height());
                for (int q = 0; q < k.kernelW() && h >= 0; q++) {
                  int v = tap(j, q, k.strideW(), k.padW(), k.dilationW(), g.width());
                  if (v >= 0) {
                    sums[((b * g.inChannels() + c0 + c) * g.height() + h) * g.width() + v] +=
                        d * w.get(((o * cg + c) * k.kernelH() + p) * k.kernelW() + q);
                  }
                }
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < sums.length; i++) {
      dx.set(i, sums[i]);
    }
  }

  static void conv2dBackwardWeight(Conv2dGeometry g, CpuBuffer x, CpuBuffer dy, CpuBuffer dw, CpuBuffer dbias) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int cg = g.inChannels() / g.groups();
    int og = g.outChannels() / g.groups();
    for (int o = 0; o < g.outChannels(); o++) {
      int c0 = o / og * cg;
      for (int c = 0; c < cg; c++) {
        for (int p = 0; p < k.kernelH(); p++) {
          for (int q = 0; q < k.kernelW(); q++) {
            double sum = 0;
            for (int b = 0; b < g.batch(); b++) {
              for (int i = 0; i < oh; i++) {
                int h = tap(i, p, k.strideH(), k.padH(), k.dilationH(), g.height());
                for (int j = 0; j < ow && h >= 0; j++) {
                  int v = tap(j, q, k.strideW(), k.padW(), k.dilationW(), g.width());
                  if (v >= 0) {
                    sum += dy.get(((b * g.outChannels() + o) * oh + i) * ow + j)
                        * x.get(((b * g.inChannels() + c0 + c) * g.height() + h) * g.width() + v);
                  }
                }
              }
            }
            dw.set(((o * cg + c) * k.kernelH() + p) * k.kernelW() + q, sum);
          }
        }
      }
      if (dbias != null) {
        double sum = 0;
        for (int b = 0; b < g.batch(); b++) {
          for (int s = 0; s < oh * ow; s++) {
            sum += dy.get((b * g.outChannels() + o) * oh * ow + s);
          }
        }
        dbias.set(o, sum);
      }
    }
  }

  static void maxPool2d(Pool2dGeometry g, CpuBuffer x, CpuBuffer y, CpuBuffer indices) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int plane = g.height() * g.width();
    for (int bc = 0; bc < g.batch() * g.channels(); bc++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double max = Double.NEGATIVE_INFINITY;
          int arg = -1;
          for (int p = 0; p < k.kernelH(); p++) {
            int h = tap(i, p, k.strideH(), k.padH(), k.dilationH(), g.height());
            for (int q = 0; q < k.kernelW() && h >= 0; q++) {
              int v = tap(j, q, k.strideW(), k.padW(), k.dilationW(), g.width());
              if (v >= 0) {
                double e = x.get(bc * plane + h * g.width() + v);
                // As torch: the first maximum wins, and the first NaN beats every number.
                if (arg < 0 || e > max || (Double.isNaN(e) && !Double.isNaN(max))) {
                  max = e;
                  arg = h * g.width() + v;
                }
              }
            }
          }
          int out = (bc * oh + i) * ow + j;
          y.set(out, max);
          indices.set(out, arg);
        }
      }
    }
  }

  static void maxPool2dBackward(Pool2dGeometry g, CpuBuffer indices, CpuBuffer dy, CpuBuffer dx) {
    int outPlane = g.outHeight() * g.outWidth();
    int plane = g.height() * g.width();
    double[] sums = new double[(int) g.inputSize()];
    for (int bc = 0; bc < g.batch() * g.channels(); bc++) {
      for (int s = 0; s < outPlane; s++) {
        sums[bc * plane + (int) indices.get(bc * outPlane + s)] += dy.get(bc * outPlane + s);
      }
    }
    for (int i = 0; i < sums.length; i++) {
      dx.set(i, sums[i]);
    }
  }

  static void avgPool2d(Pool2dGeometry g, CpuBuffer x, CpuBuffer y) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int plane = g.height() * g.width();
    double divisor = k.kernelH() * k.kernelW();
    for (int bc = 0; bc < g.batch() * g.channels(); bc++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double sum = 0;
          for (int p = 0; p < k.kernelH(); p++) {
            int h = tap(i, p, k.strideH(), k.padH(), 1, g.height());
            for (int q = 0; q < k.kernelW() && h >= 0; q++) {
              int v = tap(j, q, k.strideW(), k.padW(), 1, g.width());
              if (v >= 0) {
                sum += x.get(bc * plane + h * g.width() + v);
              }
            }
          }
          y.set((bc * oh + i) * ow + j, sum / divisor);
        }
      }
    }
  }

  static void avgPool2dBackward(Pool2dGeometry g, CpuBuffer dy, CpuBuffer dx) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int plane = g.height() * g.width();
    double divisor = k.kernelH() * k.kernelW();
    double[] sums = new double[(int) g.inputSize()];
    for (int bc = 0; bc < g.batch() * g.channels(); bc++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double d = dy.get((bc * oh + i) * ow + j) / divisor;
          for (int p = 0; p < k.kernelH(); p++) {
            int h = tap(i, p, k.strideH(), k.padH(), 1, g.height());
            for (int q = 0; q < k.kernelW() && h >= 0; q++) {
              int v = tap(j, q, k.strideW(), k.padW(), 1, g.width());
              if (v >= 0) {
                sums[bc * plane + h * g.width() + v] += d;
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < sums.length; i++) {
      dx.set(i, sums[i]);
    }
  }

  static void batchNormStatistics(CpuBuffer x, int batch, int channels, int spatial, CpuBuffer mean, CpuBuffer var,
      double momentum, CpuBuffer runningMean, CpuBuffer runningVar) {
    long n = (long) batch * spatial;
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < spatial; s++) {
          sum += x.get((b * channels + c) * spatial + s);
        }
      }
      double m = sum / n;
      double squares = 0; // two passes: Σ(x − m)² does not cancel as Σx² − n·m² does
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < spatial; s++) {
          double d = x.get((b * channels + c) * spatial + s) - m;
          squares += d * d;
        }
      }
      double v = squares / n;
      mean.set(c, m);
      var.set(c, v);
      if (runningMean != null) {
        double unbiased = n > 1 ? v * n / (n - 1) : v;
        runningMean.set(c, (1 - momentum) * runningMean.get(c) + momentum * m);
        runningVar.set(c, (1 - momentum) * runningVar.get(c) + momentum * unbiased);
      }
    }
  }

  static void batchNorm(CpuBuffer x, int batch, int channels, int spatial, CpuBuffer mean, CpuBuffer var, double eps,
      CpuBuffer gamma, CpuBuffer beta, CpuBuffer y) {
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        double invStd = 1 / Math.sqrt(var.get(c) + eps);
        for (int s = 0; s < spatial; s++) {
          int i = (b * channels + c) * spatial + s;
          y.set(i, (x.get(i) - mean.get(c)) * invStd * gamma.get(c) + beta.get(c));
        }
      }
    }
  }

  static void batchNormBackward(BatchNormStatistics statistics, CpuBuffer x, int batch, int channels, int spatial,
      CpuBuffer mean, CpuBuffer var, double eps, CpuBuffer gamma, CpuBuffer dy, CpuBuffer dx, CpuBuffer dgamma,
      CpuBuffer dbeta) {
    long n = (long) batch * spatial;
    for (int c = 0; c < channels; c++) {
      double invStd = 1 / Math.sqrt(var.get(c) + eps);
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < spatial; s++) {
          int i = (b * channels + c) * spatial + s;
          sumDy += dy.get(i);
          sumDyXhat += dy.get(i) * (x.get(i) - mean.get(c)) * invStd;
        }
      }
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < spatial; s++) {
          int i = (b * channels + c) * spatial + s;
          double d = dy.get(i);
          if (statistics == BatchNormStatistics.BATCH) {
            double xhat = (x.get(i) - mean.get(c)) * invStd;
            d -= (sumDy + xhat * sumDyXhat) / n;
          }
          dx.set(i, gamma.get(c) * d * invStd);
        }
      }
      dgamma.set(c, sumDyXhat);
      dbeta.set(c, sumDy);
    }
  }
}
