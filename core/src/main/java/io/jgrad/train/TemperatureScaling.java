package io.jgrad.train;

/**
 * Temperature scaling (Guo, Pleiss, Sun and Weinberger, 2017): one number T that divides a classifier's logits before
 * the softmax, fitted on held-out examples to minimise their negative log-likelihood. It leaves every prediction as it
 * was (the order of a row's logits does not change) and moves the probabilities towards how often the model is right:
 * T above 1 softens an overconfident model, below 1 sharpens an underconfident one.
 *
 * <p>The likelihood is convex in β = 1/T, so Newton's method on β, kept inside [1/{@value #MAX}, 1/{@value #MIN}] by
 * bisection, finds the one minimum; a model that separates the examples perfectly would want T → 0 and gets {@value
 * #MIN}.
 */
public final class TemperatureScaling {
  /** The temperatures fitted lie in [MIN, MAX]. */
  public static final double MIN = 0.01;

  public static final double MAX = 100;

  private TemperatureScaling() {}

  /**
   * The temperature minimising the mean negative log-likelihood of softmax(logits / T).
   *
   * @param logits N × {@code classes}, row-major
   * @param labels N classes in 0..classes−1
   */
  public static double fit(float[] logits, int[] labels, int classes) {
    check(logits, labels, classes);
    double low = 1 / MAX;
    double high = 1 / MIN;
    if (slope(logits, labels, classes, high)[0] <= 0) {
      return MIN; // sharper is better all the way
    }
    if (slope(logits, labels, classes, low)[0] >= 0) {
      return MAX;
    }
    double beta = 1;
    for (int i = 0; i < 200; i++) {
      double[] d = slope(logits, labels, classes, beta);
      if (d[0] > 0) {
        high = beta;
      } else {
        low = beta;
      }
      if (Math.abs(d[0]) < 1e-12 || high - low < 1e-15 * high) {
        break;
      }
      double next = d[1] > 0 ? beta - d[0] / d[1] : Double.NaN;
      beta = next > low && next < high ? next : (low + high) / 2;
    }
    return 1 / beta;
  }

  /** The mean negative log-likelihood of softmax(logits / temperature), in float64. */
  public static double nll(float[] logits, int[] labels, int classes, double temperature) {
    check(logits, labels, classes);
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      int row = i * classes;
      sum += logSumExp(logits, row, classes, temperature) - logits[row + labels[i]] / temperature;
    }
    return sum / labels.length;
  }

  /**
   * log Σ_c exp(z_c / temperature) over the {@code classes} logits from {@code row}, in float64 without overflow: the
   * softmax's normaliser, a log-probability being z / temperature less it.
   */
  static double logSumExp(float[] logits, int row, int classes, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, logits[row + c] / temperature);
    }
    double z = 0;
    for (int c = 0; c < classes; c++) {
      z += Math.exp(logits[row + c] / temperature - max);
    }
    return max + Math.log(z);
  }

  /**
   * The likelihood's first and second derivatives in β: the mean of E_p[z] − z_label, and of Var_p(z), p the softmax
   * of β·z.
   */
  private static double[] slope(float[] logits, int[] labels, int classes, double beta) {
    double first = 0;
    double second = 0;
    for (int i = 0; i < labels.length; i++) {
      int row = i * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, beta * logits[row + c]);
      }
      double z = 0;
      double mean = 0;
      double square = 0;
      for (int c = 0; c < classes; c++) {
        double w = Math.exp(beta * logits[row + c] - max);
        z += w;
        mean += w * logits[row + c];
        square += w * (double) logits[row + c] * logits[row + c];
      }
      mean /= z;
      first += mean - logits[row + labels[i]];
      second += Math.max(0, square / z - mean * mean);
    }
    return new double[] {first / labels.length, second / labels.length};
  }

  private static void check(float[] logits, int[] labels, int classes) {
    if (labels.length == 0 || (long) labels.length * classes != logits.length) {
      throw new IllegalArgumentException(logits.length + " logits are not " + labels.length + " × " + classes
          + (labels.length == 0 ? ": no example to fit on" : ""));
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + labels[i] + " of example " + i + ", expected 0.."
            + (classes - 1));
      }
    }
    for (int i = 0; i < logits.length; i++) {
      if (!Float.isFinite(logits[i])) {
        throw new IllegalArgumentException("logit " + logits[i] + " of example " + i / classes + ": a temperature "
            + "needs finite logits");
      }
    }
  }
}
