package io.jgrad.train;

import java.util.Arrays;

/**
 * How well one column of scores ranks the examples that have a class (or a label) above those that have not, over
 * every threshold at once: scikit-learn's ranking metrics of one class against the rest — the area under the ROC curve
 * ({@code roc_auc_score}), the average precision ({@code average_precision_score}) and the ROC curve's corners ({@code
 * roc_curve}). Examples of equal score fall on the same side of every threshold, so a tie between a positive and a
 * negative counts half, as the trapezoid under scikit-learn's curve counts it.
 */
public final class ScoreRanking {
  /** [k]: the k-th highest distinct score, and the positives and the negatives scoring at or above it. */
  private final double[] thresholds;
  private final long[] truePositives;
  private final long[] falsePositives;

  private ScoreRanking(double[] thresholds, long[] truePositives, long[] falsePositives) {
    this.thresholds = thresholds;
    this.truePositives = truePositives;
    this.falsePositives = falsePositives;
  }

  /**
   * @param scores one an example, higher for an example likelier to be positive (a probability, a logit, a
   *     log-probability: only their order counts)
   * @param positive whether each example is positive
   */
  public static ScoreRanking of(double[] scores, boolean[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " examples");
    }
    int p = 0;
    for (boolean b : positive) {
      p += b ? 1 : 0;
    }
    double[] pos = new double[p];
    double[] neg = new double[scores.length - p];
    int ip = 0;
    int in = 0;
    for (int i = 0; i < scores.length; i++) {
      double s = scores[i];
      if (Double.isNaN(s)) {
        throw new IllegalArgumentException("the score of example " + i + " is NaN: it has no rank");
      }
      s += 0.0; // −0 and 0 are one score, as numpy compares them
      if (positive[i]) {
        pos[ip++] = s;
      } else {
        neg[in++] = s;
      }
    }
    // Each side sorted on its own, then walked together from the top: a threshold at every distinct score.
    Arrays.sort(pos);
    Arrays.sort(neg);
    double[] at = new double[scores.length];
    long[] tp = new long[scores.length];
    long[] fp = new long[scores.length];
    int k = 0;
    ip = pos.length - 1;
    in = neg.length - 1;
    while (ip >= 0 || in >= 0) {
      double threshold = Math.max(ip >= 0 ? pos[ip] : Double.NEGATIVE_INFINITY,
          in >= 0 ? neg[in] : Double.NEGATIVE_INFINITY);
      while (ip >= 0 && pos[ip] == threshold) {
        ip--;
      }
      while (in >= 0 && neg[in] == threshold) {
        in--;
      }
      at[k] = threshold;
      tp[k] = pos.length - 1 - ip;
      fp[k] = neg.length - 1 - in;
      k++;
    }
    return new ScoreRanking(Arrays.copyOf(at, k), Arrays.copyOf(tp, k), Arrays.copyOf(fp, k));
  }

  public long positives() {
    return truePositives.length == 0 ? 0 : truePositives[truePositives.length - 1];
  }

  public long negatives() {
    return falsePositives.length == 0 ? 0 : falsePositives[falsePositives.length - 1];
  }

  /**
   * The area under the ROC curve: the chance that a positive scores above a negative, a tie counting half; 0.5 for
   * scores that know nothing, 1 for a perfect ranking. NaN without both positives and negatives (where scikit-learn's
   * {@code roc_auc_score} raises an error).
   */
  public double rocAuc() {
    long p = positives();
    long n = negatives();
    if (p == 0 || n == 0) {
      return Double.NaN;
    }
    // The trapezoids' areas doubled and counted in whole examples: exact up to one division.
    long doubled = 0;
    long tpBefore = 0;
    long fpBefore = 0;
    for (int k = 0; k < truePositives.length; k++) {
      doubled += (falsePositives[k] - fpBefore) * (truePositives[k] + tpBefore);
      tpBefore = truePositives[k];
      fpBefore = falsePositives[k];
    }
    return doubled / (2.0 * p * n);
  }

  /**
   * The average precision: the precision at each threshold weighted by the recall it adds, Σ (Rₖ − Rₖ₋₁)·Pₖ without
   * interpolation, as scikit-learn's {@code average_precision_score}; the fraction of positives for scores that know
   * nothing, 1 for a perfect ranking. NaN without positives.
   */
  public double averagePrecision() {
    long p = positives();
    if (p == 0) {
      return Double.NaN;
    }
    double sum = 0;
    long tpBefore = 0;
    for (int k = 0; k < truePositives.length; k++) {
      long tp = truePositives[k];
      if (tp != tpBefore) {
        sum += (double) (tp - tpBefore) * tp / (tp + falsePositives[k]);
      }
      tpBefore = tp;
    }
    return sum / p;
  }

  /**
   * Where to cut the scores: every example scoring at or above {@code score} decided positive, none below, where the
   * next lower score is {@code nextScore} (−∞ where none is lower).
   */
  public record Cut(double score, double nextScore, double f1, double precision, double recall) {}

  /**
   * The cut of the highest F1 of the positives, the first (the highest score) of equals: the best point of
   * scikit-learn's {@code precision_recall_curve} by F1, what {@code TunedThresholdClassifierCV(scoring="f1")} looks
   * for. Null without positives.
   */
  public Cut bestF1() {
    long p = positives();
    if (p == 0) {
      return null;
    }
    int best = 0;
    for (int k = 1; k < thresholds.length; k++) {
      // 2·tp / (2·tp + fp + fn), fn = p − tp: compared as fractions, exactly
      long num = 2 * truePositives[k];
      long den = truePositives[k] + falsePositives[k] + p;
      long bestNum = 2 * truePositives[best];
      long bestDen = truePositives[best] + falsePositives[best] + p;
      if (num * bestDen > bestNum * den) {
        best = k;
      }
    }
    long tp = truePositives[best];
    return new Cut(thresholds[best], best + 1 < thresholds.length ? thresholds[best + 1] : Double.NEGATIVE_INFINITY,
        2.0 * tp / (tp + falsePositives[best] + p), (double) tp / (tp + falsePositives[best]), (double) tp / p);
  }

  /** ROC curve points: false and true positive rates, from (0, 0) to (1, 1). */
  public record Curve(double[] falsePositiveRate, double[] truePositiveRate) {}

  /**
   * The ROC curve's corners, as scikit-learn's {@code roc_curve} gives them with {@code drop_intermediate}: (0, 0),
   * then each threshold's (false positive rate, true positive rate), leaving out the points on a straight line between
   * their neighbours. Null without both positives and negatives.
   */
  public Curve rocCurve() {
    long p = positives();
    long n = negatives();
    if (p == 0 || n == 0) {
      return null;
    }
    int m = truePositives.length;
    double[] fpr = new double[m + 1];
    double[] tpr = new double[m + 1];
    int kept = 1; // (0, 0)
    for (int k = 0; k < m; k++) {
      boolean corner = k == 0 || k == m - 1
          || falsePositives[k + 1] - 2 * falsePositives[k] + falsePositives[k - 1] != 0
          || truePositives[k + 1] - 2 * truePositives[k] + truePositives[k - 1] != 0;
      if (corner) {
        fpr[kept] = (double) falsePositives[k] / n;
        tpr[kept] = (double) truePositives[k] / p;
        kept++;
      }
    }
    return new Curve(Arrays.copyOf(fpr, kept), Arrays.copyOf(tpr, kept));
  }

  /**
   * The mean of figures over the classes (labels) that have one, as scikit-learn's {@code average="macro"}; NaN where
   * none has. scikit-learn raises an error where a class has none; this leaves that class out.
   */
  static double macro(double[] figures) {
    double sum = 0;
    int n = 0;
    for (double f : figures) {
      if (!Double.isNaN(f)) {
        sum += f;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
