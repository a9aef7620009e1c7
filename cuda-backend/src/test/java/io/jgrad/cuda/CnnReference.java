package io.jgrad.cuda;

/**
 * conv.cu's, pool.cu's and batchnorm.cu's results computed by plain loops from PyTorch's definitions, in float64
 * where they sum: the oracle of CnnKernelsHostTest (the kernels' source on the host emulator) and CnnKernelsGpuTest
 * (the kernels on a device). Shapes as in the kernels' files.
 */
final class CnnReference {
  private CnnReference() {}

  /**
   * The geometries both tests run: stride, padding and dilation on each axis, windows cut by the edges, a 1×1
   * input (n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw).
   */
  static final ConvGeometry[] GEOMETRIES = {
    new ConvGeometry(2, 3, 7, 6, 3, 2, 2, 1, 1, 0, 1, 2),
    new ConvGeometry(1, 2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1),
    new ConvGeometry(2, 1, 4, 9, 1, 3, 1, 2, 0, 1, 1, 2),
    new ConvGeometry(1, 1, 6, 6, 2, 2, 2, 2, 0, 0, 1, 1),
    new ConvGeometry(1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1),
  };

  /** Batch-norm shapes (N, C, HW), one channel of one value (var itself feeds the running variance) among them. */
  static final int[][] BATCH_NORM_SHAPES = {{2, 3, 5}, {1, 4, 1}, {3, 1, 70}, {4, 2, 33}};

  /** Inputs in [-1, 1), channel c shifted by 3c so that each channel has its own mean. */
  static float[] channelInputs(int n, int channels, int hw, java.util.SplittableRandom random) {
    float[] x = randoms(n * channels * hw, random);
    for (int i = 0; i < x.length; i++) {
      x[i] += 3 * ((i / hw) % channels);
    }
    return x;
  }

  static float[] randoms(int n, java.util.SplittableRandom random) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }

  /** Whether PyTorch's max pooling accepts the padding (at most half the window). */
  static boolean maxPoolAccepts(ConvGeometry g) {
    return g.ph() * 2 <= g.kh() && g.pw() * 2 <= g.kw();
  }

  /** Inputs of few levels, so that windows hold ties, and one NaN. */
  static float[] tiedInputs(int n, java.util.SplittableRandom random) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextInt(4);
    }
    x[n / 2] = Float.NaN;
    return x;
  }

  /** Max pooling's results: the window maxima and their indices ih·W + iw in the input plane. */
  record MaxPool(float[] y, int[] argmax) {}

  /** Batch statistics (the biased variance), and the running averages after one update. */
  record Stats(double[] mean, double[] var, double[] runningMean, double[] runningVar) {}

  static int ih(ConvGeometry g, int oh, int kh) {
    return oh * g.sh() - g.ph() + kh * g.dh();
  }

  static int iw(ConvGeometry g, int ow, int kw) {
    return ow * g.sw() - g.pw() + kw * g.dw();
  }

  static boolean inside(ConvGeometry g, int ih, int iw) {
    return ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
  }

  /** col [N, C·KH·KW, OH·OW]: input copies, 0 where a tap falls in the padding. */
  static float[] im2col(ConvGeometry g, float[] x) {
    float[] col = new float[(int) g.columns()];
    forEachTap(g, (b, c, kh, kw, oh, ow, colAt) -> {
      int ih = ih(g, oh, kh);
      int iw = iw(g, ow, kw);
      col[colAt] = inside(g, ih, iw) ? x[((b * g.c() + c) * g.h() + ih) * g.w() + iw] : 0f;
    });
    return col;
  }

  /** The adjoint: every col element adds into the input element it was copied from. */
  static double[] col2im(ConvGeometry g, float[] dcol) {
    double[] dx = new double[(int) g.inputs()];
    forEachTap(g, (b, c, kh, kw, oh, ow, colAt) -> {
      int ih = ih(g, oh, kh);
      int iw = iw(g, ow, kw);
      if (inside(g, ih, iw)) {
        dx[((b * g.c() + c) * g.h() + ih) * g.w() + iw] += dcol[colAt];
      }
    });
    return dx;
  }

  /** The first maximum of each window wins; NaN beats every number. */
  static MaxPool maxPool(ConvGeometry g, float[] x) {
    float[] y = new float[(int) g.outputs()];
    int[] argmax = new int[y.length];
    for (int plane = 0; plane < g.n() * g.c(); plane++) {
      for (int oh = 0; oh < g.oh(); oh++) {
        for (int ow = 0; ow < g.ow(); ow++) {
          int at = -1;
          float best = 0;
          for (int kh = 0; kh < g.kh(); kh++) {
            for (int kw = 0; kw < g.kw(); kw++) {
              int ih = ih(g, oh, kh);
              int iw = iw(g, ow, kw);
              if (!inside(g, ih, iw)) {
                continue;
              }
              float v = x[plane * g.h() * g.w() + ih * g.w() + iw];
              if (at < 0 || (!Float.isNaN(best) && (Float.isNaN(v) || v > best))) {
                at = ih * g.w() + iw;
                best = v;
              }
            }
          }
          int o = (plane * g.oh() + oh) * g.ow() + ow;
          y[o] = best;
          argmax[o] = at;
        }
      }
    }
    return new MaxPool(y, argmax);
  }

  static double[] maxPoolBackward(ConvGeometry g, float[] dy, int[] argmax) {
    double[] dx = new double[(int) g.inputs()];
    for (int o = 0; o < dy.length; o++) {
      dx[o / (g.oh() * g.ow()) * g.h() * g.w() + argmax[o]] += dy[o];
    }
    return dx;
  }

  /** {@code windowDivisor}: divide by KH·KW (count_include_pad), else by the taps inside x. */
  static double[] avgPool(ConvGeometry g, boolean windowDivisor, float[] x) {
    double[] y = new double[(int) g.outputs()];
    forEachWindow(g, windowDivisor, (plane, o, inputAt, divisor) -> y[o] += x[inputAt] / (double) divisor);
    return y;
  }

  static double[] avgPoolBackward(ConvGeometry g, boolean windowDivisor, float[] dy) {
    double[] dx = new double[(int) g.inputs()];
    forEachWindow(g, windowDivisor, (plane, o, inputAt, divisor) -> dx[inputAt] += dy[o] / (double) divisor);
    return dx;
  }

  /** Element j of channel c in [N, C, HW]. */
  static int at(int c, int j, int channels, int hw) {
    return (j / hw * channels + c) * hw + j % hw;
  }

  static Stats batchNormStats(
      float[] x, int n, int channels, int hw, double momentum, float[] runningMean, float[] runningVar) {
    int count = n * hw;
    double[] mean = new double[channels];
    double[] variance = new double[channels];
    double[] newMean = new double[channels];
    double[] newVar = new double[channels];
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int j = 0; j < count; j++) {
        sum += x[at(c, j, channels, hw)];
      }
      mean[c] = sum / count;
      double squares = 0;
      for (int j = 0; j < count; j++) {
        squares += Math.pow(x[at(c, j, channels, hw)] - mean[c], 2);
      }
      double var = squares / count;
      variance[c] = var;
      newMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
      newVar[c] = (1 - momentum) * runningVar[c] + momentum * (count > 1 ? var * count / (count - 1) : var);
    }
    return new Stats(mean, variance, newMean, newVar);
  }

  static double[] batchNorm(
      float[] x, float[] mean, float[] var, double eps, float[] gamma, float[] beta, int channels, int hw) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int c = (i / hw) % channels;
      y[i] = ((double) x[i] - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
    }
    return y;
  }

  /** dx, then dgamma, then dbeta, in one array; {@code batchStatistics} false differentiates with constant stats. */
  static double[] batchNormBackward(boolean batchStatistics, float[] x, float[] dy, float[] mean, float[] var,
      double eps, float[] gamma, int n, int channels, int hw) {
    int count = n * hw;
    double[] dx = new double[x.length];
    double[] dgamma = new double[channels];
    double[] dbeta = new double[channels];
    for (int c = 0; c < channels; c++) {
      double invstd = 1 / Math.sqrt(var[c] + eps);
      for (int j = 0; j < count; j++) {
        int i = at(c, j, channels, hw);
        dbeta[c] += dy[i];
        dgamma[c] += dy[i] * (((double) x[i] - mean[c]) * invstd);
      }
      for (int j = 0; j < count; j++) {
        int i = at(c, j, channels, hw);
        double xhat = ((double) x[i] - mean[c]) * invstd;
        double d = batchStatistics ? dy[i] - (dbeta[c] + xhat * dgamma[c]) / count : dy[i];
        dx[i] = gamma[c] * invstd * d;
      }
    }
    return concat(dx, dgamma, dbeta);
  }

  static double[] concat(double[]... parts) {
    int length = 0;
    for (double[] p : parts) {
      length += p.length;
    }
    double[] all = new double[length];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private interface Tap {
    void accept(int b, int c, int kh, int kw, int oh, int ow, int colAt);
  }

  private static void forEachTap(ConvGeometry g, Tap tap) {
    int rows = g.c() * g.kh() * g.kw();
    int columns = g.oh() * g.ow();
    for (int b = 0; b < g.n(); b++) {
      for (int c = 0; c < g.c(); c++) {
        for (int kh = 0; kh < g.kh(); kh++) {
          for (int kw = 0; kw < g.kw(); kw++) {
            for (int oh = 0; oh < g.oh(); oh++) {
              for (int ow = 0; ow < g.ow(); ow++) {
                tap.accept(b, c, kh, kw, oh, ow, (b * rows + (c * g.kh() + kh) * g.kw() + kw) * columns
                    + oh * g.ow() + ow);
              }
            }
          }
        }
      }
    }
  }

  private interface WindowTap {
    void accept(int plane, int output, int inputAt, int divisor);
  }

  /** Every (output, input inside its window) pair, with the output's divisor. */
  private static void forEachWindow(ConvGeometry g, boolean windowDivisor, WindowTap tap) {
    for (int plane = 0; plane < g.n() * g.c(); plane++) {
      for (int oh = 0; oh < g.oh(); oh++) {
        for (int ow = 0; ow < g.ow(); ow++) {
          int count = 0;
          for (int kh = 0; kh < g.kh(); kh++) {
            for (int kw = 0; kw < g.kw(); kw++) {
              count += inside(g, ih(g, oh, kh), iw(g, ow, kw)) ? 1 : 0;
            }
          }
          int divisor = windowDivisor ? g.kh() * g.kw() : count;
          for (int kh = 0; kh < g.kh(); kh++) {
            for (int kw = 0; kw < g.kw(); kw++) {
              if (inside(g, ih(g, oh, kh), iw(g, ow, kw))) {
                tap.accept(plane, (plane * g.oh() + oh) * g.ow() + ow,
                    plane * g.h() * g.w() + ih(g, oh, kh) * g.w() + iw(g, ow, kw), divisor);
              }
            }
          }
        }
      }
    }
  }
}
