package io.jgrad.train;

import io.jgrad.data.DataLoader;
import io.jgrad.nn.Module;
import java.util.Arrays;

/**
 * How a multi-label classifier does on a data set: each example has any number of L labels, target 1 (present) or 0,
 * and the model gives each label a logit, its probability σ(logit); a label is predicted present where that
 * probability is above 0.5, as scikit-learn's {@code MLPClassifier} and PyTorch's {@code sigmoid(out) > 0.5} decide.
 * The figures are scikit-learn's: the subset accuracy ({@code accuracy_score}: every label of the example right), the
 * Hamming loss (the fraction of label decisions wrong), each label's precision, recall, F1 and support, and F1 micro
 * (over every decision) and macro (the labels' F1s averaged); 0 where a denominator is 0. The loss is the mean binary
 * cross-entropy over every decision, PyTorch's {@code BCEWithLogitsLoss}. Each label's probabilities also rank the
 * examples that have it above those that lack it, over every threshold: its area under the ROC curve and average
 * precision ({@link ScoreRanking}), and their means over the labels.
 */
public final class MultiLabelReport {
  private final long[] truePositives;
  private final long[] falsePositives;
  private final long[] falseNegatives;
  private final long examples;
  private final long exactExamples;
  private final double loss;
  private final float[] logits; // N × L, kept for the rankings
  private final float[] targets;
  private ScoreRanking[] rankings; // each label's, made when first asked for

  private MultiLabelReport(long[] truePositives, long[] falsePositives, long[] falseNegatives, long examples,
      long exactExamples, double loss, float[] logits, float[] targets) {
    this.truePositives = truePositives;
    this.falsePositives = falsePositives;
    this.falseNegatives = falseNegatives;
    this.examples = examples;
    this.exactExamples = exactExamples;
    this.loss = loss;
    this.logits = logits;
    this.targets = targets;
  }

  /** Runs {@code model} (logits out) over {@code data} (0/1 targets, one a label) in eval mode without a graph. */
  public static MultiLabelReport of(Module model, DataLoader data) {
    ModelOutputs run = ModelOutputs.of(model, data, "label");
    return ofLogits(run.outputs(), run.targets(), data.data().targetSize());
  }

  /** From logits computed elsewhere: N × {@code labels} logits and 0/1 targets, row-major. */
  public static MultiLabelReport ofLogits(float[] logits, float[] targets, int labels) {
    return ofLogits(logits, targets, labels, THRESHOLD);
  }

  /**
   * As {@link #ofLogits(float[], float[], int)}, a label predicted present where its probability is above {@code
   * threshold} (scikit-learn's {@code FixedThresholdClassifier}'s decision): lower finds more of the labels present,
   * at the cost of precision. The loss and rankings do not depend on it.
   */
  public static MultiLabelReport ofLogits(float[] logits, float[] targets, int labels, double threshold) {
    requireThreshold(threshold);
    if (logits.length != targets.length || labels < 1 || targets.length % labels != 0) {
      throw new IllegalArgumentException(logits.length + " logits and " + targets.length + " targets are not N × "
          + labels);
    }
    long[] tp = new long[labels];
    long[] fp = new long[labels];
    long[] fn = new long[labels];
    long exact = 0;
    double lossSum = 0;
    for (int row = 0; row < targets.length; row += labels) {
      boolean allRight = true;
      for (int l = 0; l < labels; l++) {
        float x = logits[row + l];
        float y = targets[row + l];
        if (y != 0 && y != 1) {
          throw new IllegalArgumentException("target " + y + " at example " + row / labels + ", label " + l
              + " is neither 0 nor 1");
        }
        boolean predicted = present(probability(x), threshold);
        boolean present = y == 1;
        allRight &= predicted == present;
        tp[l] += predicted && present ? 1 : 0;
        fp[l] += predicted && !present ? 1 : 0;
        fn[l] += !predicted && present ? 1 : 0;
        // max(x, 0) − x·y + log(1 + exp(−|x|)), BceWithLogitsLoss's stable form
        lossSum += Math.max(x, 0.0) - (double) x * y + Math.log1p(Math.exp(-Math.abs((double) x)));
      }
      exact += allRight ? 1 : 0;
    }
    long n = targets.length / labels;
    return new MultiLabelReport(tp, fp, fn, n, exact, n == 0 ? Double.NaN : lossSum / targets.length, logits.clone(),
        targets.clone());
  }

  /**
   * σ(logit) in float32, the probability a multi-label model gives a label: what this report thresholds at 0.5, and
   * what a predictor reports, so that the two never disagree at the edge.
   */
  public static float probability(float logit) {
    return (float) (1 / (1 + Math.exp(-(double) logit)));
  }

  /** The probability above which a label is present by default: 0.5, as scikit-learn and PyTorch users decide. */
  public static final double THRESHOLD = 0.5;

  /**
   * {@code threshold}, if it is a probability strictly between 0 and 1 (at 0 or 1 every decision would be the same).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static double requireThreshold(double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("a threshold is a probability in (0, 1), got " + threshold);
    }
    return threshold;
  }

  /** Whether a label of this probability is predicted present by default: above 0.5. */
  public static boolean present(float probability) {
    return present(probability, THRESHOLD);
  }

  /** Whether a label of this probability is predicted present: above {@code threshold}. */
  public static boolean present(float probability, double threshold) {
    return probability > threshold;
  }

  public long examples() {
    return examples;
  }

  public int labels() {
    return truePositives.length;
  }

  /** Mean binary cross-entropy over every label decision (PyTorch's {@code BCEWithLogitsLoss()}). */
  public double loss() {
    return loss;
  }

  /** Fraction of examples whose labels are all predicted right (scikit-learn's {@code accuracy_score}). */
  public double subsetAccuracy() {
    return examples == 0 ? Double.NaN : ratio(exactExamples, examples);
  }

  /** Fraction of label decisions that are wrong (scikit-learn's {@code hamming_loss}). */
  public double hammingLoss() {
    long wrong = 0;
    for (int l = 0; l < labels(); l++) {
      wrong += falsePositives[l] + falseNegatives[l];
    }
    return examples == 0 ? Double.NaN : ratio(wrong, examples * labels());
  }

  /** Examples with label {@code l} present. */
  public long support(int l) {
    return truePositives[l] + falseNegatives[l];
  }

  public double precision(int l) {
    return ratio(truePositives[l], truePositives[l] + falsePositives[l]);
  }

  public double recall(int l) {
    return ratio(truePositives[l], truePositives[l] + falseNegatives[l]);
  }

  public double f1(int l) {
    return f1(truePositives[l], falsePositives[l], falseNegatives[l]);
  }

  /** F1 over every label decision pooled ({@code average="micro"}). */
  public double f1Micro() {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int l = 0; l < labels(); l++) {
      tp += truePositives[l];
      fp += falsePositives[l];
      fn += falseNegatives[l];
    }
    return f1(tp, fp, fn);
  }

  /** The labels' F1s averaged, each label counting the same ({@code average="macro"}). */
  public double f1Macro() {
    double sum = 0;
    for (int l = 0; l < labels(); l++) {
      sum += f1(l);
    }
    return sum / labels();
  }

  /**
   * Label {@code l}'s probabilities ranking the examples that have it above those that lack it; the scores are the
   * logits, the probabilities' order without the ties that rounding them to float32 near 0 and 1 makes. Null where a
   * logit is NaN (a diverged model's).
   */
  public ScoreRanking ranking(int l) {
    ScoreRanking[] r = rankings();
    return r == null ? null : r[l];
  }

  /**
   * The labels' areas under the ROC curve averaged, as scikit-learn's {@code roc_auc_score(Y, P)} ({@code
   * average="macro"}), a label present in every example or in none left out (scikit-learn raises an error there).
   */
  public double rocAucMacro() {
    ScoreRanking[] r = rankings();
    return r == null ? Double.NaN : ScoreRanking.macro(Arrays.stream(r).mapToDouble(ScoreRanking::rocAuc).toArray());
  }

  /** The labels' average precisions averaged ({@code average_precision_score(Y, P)}), a label never present left out. */
  public double averagePrecisionMacro() {
    ScoreRanking[] r = rankings();
    return r == null ? Double.NaN : ScoreRanking.macro(Arrays.stream(r).mapToDouble(ScoreRanking::averagePrecision)
        .toArray());
  }

  private synchronized ScoreRanking[] rankings() {
    if (rankings == null) {
      int labels = labels();
      int n = (int) examples;
      ScoreRanking[] r = new ScoreRanking[labels];
      double[] scores = new double[n];
      boolean[] present = new boolean[n];
      for (int l = 0; l < labels; l++) {
        for (int i = 0; i < n; i++) {
          float x = logits[i * labels + l];
          if (Float.isNaN(x)) {
            return null;
          }
          scores[i] = x;
          present[i] = targets[i * labels + l] == 1;
        }
        r[l] = ScoreRanking.of(scores, present);
      }
      rankings = r;
    }
    return rankings;
  }

  /** 2·tp / (2·tp + fp + fn), which is 2PR / (P + R), and 0 where no decision was positive or present. */
  private static double f1(long tp, long fp, long fn) {
    return ratio(2 * tp, 2 * tp + fp + fn);
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
