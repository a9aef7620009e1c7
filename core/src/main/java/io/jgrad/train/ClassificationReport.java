package io.jgrad.train;

import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * How a classifier does on a data set: mean loss, accuracy, top-k accuracy for any k, the confusion matrix and each
 * class's precision, recall and F1 (scikit-learn's definitions; 0 where a denominator is 0), and how its probabilities
 * rank each class against the rest: the area under the ROC curve and the average precision ({@link ScoreRanking}).
 */
public final class ClassificationReport {
  private final long[][] confusion; // [true class][predicted class]
  private final long[] labelRanks; // [r]: examples whose label was the (r+1)-th highest output
  private final double loss;
  private final long examples;
  private final float[] outputs; // N × C logits, kept for the rankings
  private final int[] labels;
  private ScoreRanking[] rankings; // each class's against the rest, made when first asked for

  private ClassificationReport(long[][] confusion, long[] labelRanks, double loss, long examples, float[] outputs,
      int[] labels) {
    this.confusion = confusion;
    this.labelRanks = labelRanks;
    this.loss = loss;
    this.examples = examples;
    this.outputs = outputs;
    this.labels = labels;
  }

  /** Runs {@code model} over {@code data} in eval mode without recording a graph. */
  public static ClassificationReport of(Module model, Loss loss, DataLoader data) {
    int classes = data.data().numClasses();
    Tally tally = new Tally(classes, data.data().size(), Double.NaN);
    boolean wasTraining = model.isTraining();
    model.eval();
    double lossSum = 0;
    try (NoGrad ignored = NoGrad.enter()) {
      for (Iterator<Batch> it = data.epoch(0); it.hasNext(); ) {
        try (Scope scope = Scope.open(); Batch batch = it.next()) {
          Tensor out = model.forward(batch.features());
          lossSum += loss.apply(out, batch.labels()).item() * batch.size();
          tally.add(out.toFloatArray(), batch.labels().toIntArray());
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return tally.report(lossSum / tally.examples);
  }

  /**
   * From outputs computed elsewhere: {@code outputs} is N × C logits (higher is likelier; their softmax is what the
   * rankings read), {@code labels} N classes in 0..C-1.
   */
  public static ClassificationReport of(float[] outputs, int[] labels, int classes, double loss) {
    if ((long) labels.length * classes != outputs.length) {
      throw new IllegalArgumentException(outputs.length + " outputs are not " + labels.length + " × " + classes);
    }
    Tally tally = new Tally(classes, labels.length, Double.NaN);
    tally.add(outputs, labels);
    return tally.report(loss);
  }

  /**
   * The same outputs decided by a threshold instead of the likelier class: of a two-class model, the second class
   * wherever its probability is above {@code threshold} (0.5 decides as this report does), as scikit-learn's {@code
   * FixedThresholdClassifier} decides; the confusion matrix, accuracy, precision, recall and F1 follow, the loss and
   * rankings are the same.
   */
  public ClassificationReport atThreshold(double threshold) {
    if (classes() != 2) {
      throw new IllegalArgumentException("a threshold decides between two classes; the model has " + classes());
    }
    int n = (int) examples;
    Tally tally = new Tally(2, n, MultiLabelReport.requireThreshold(threshold));
    tally.add(Arrays.copyOf(outputs, 2 * n), Arrays.copyOf(labels, n));
    return tally.report(loss);
  }

  /** Counts, batch by batch, and the outputs themselves. */
  private static final class Tally {
    final long[][] confusion;
    final long[] ranks;
    final float[] outputs;
    final int[] labels;
    /** Of two classes, the second's probability above which it is predicted; NaN: the likelier class. */
    final double threshold;
    int examples;

    Tally(int classes, int capacity, double threshold) {
      this.threshold = threshold;
      confusion = new long[classes][classes];
      ranks = new long[classes];
      outputs = new float[Math.multiplyExact(capacity, classes)];
      labels = new int[capacity];
    }

    /** Ties go to the lower class index, as arg-max's do (a probability at the threshold to the first class). */
    void add(float[] outputs, int[] labels) {
      int classes = ranks.length;
      for (int i = 0; i < labels.length; i++) {
        int row = i * classes;
        int y = labels[i];
        if (y < 0 || y >= classes) {
          throw new IllegalArgumentException("label " + y + " of example " + i + ", expected 0.." + (classes - 1));
        }
        float target = outputs[row + y];
        int predicted = 0;
        int rank = 0;
        for (int c = 0; c < classes; c++) {
          float v = outputs[row + c];
          if (v > outputs[row + predicted]) {
            predicted = c;
          }
          if (v > target || (v == target && c < y)) {
            rank++;
          }
        }
        if (!Double.isNaN(threshold)) {
          predicted = 1 / (1 + Math.exp((double) outputs[row] - outputs[row + 1])) > threshold ? 1 : 0;
        }
        confusion[y][predicted]++;
        ranks[rank]++;
      }
      System.arraycopy(outputs, 0, this.outputs, examples * classes, outputs.length);
      System.arraycopy(labels, 0, this.labels, examples, labels.length);
      examples += labels.length;
    }

    ClassificationReport report(double loss) {
      return new ClassificationReport(confusion, ranks, loss, examples, outputs, labels);
    }
  }

  public int classes() {
    return labelRanks.length;
  }

  public long examples() {
    return examples;
  }

  /** Mean loss per example. */
  public double loss() {
    return loss;
  }

  /** The fraction of examples whose predicted class is their label. */
  public double accuracy() {
    long right = 0;
    for (int c = 0; c < classes(); c++) {
      right += confusion[c][c];
    }
    return (double) right / examples;
  }

  /** The fraction of examples whose label is among the {@code k} highest outputs. */
  public double topK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
    }
    long hits = 0;
    for (int r = 0; r < Math.min(k, labelRanks.length); r++) {
      hits += labelRanks[r];
    }
    return (double) hits / examples;
  }

  /** A copy: [true class][predicted class] → examples. */
  public long[][] confusion() {
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** Examples whose label is {@code c}. */
  public long support(int c) {
    long n = 0;
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  /** Of the examples predicted {@code c}, the fraction that are {@code c}. */
  public double precision(int c) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[c];
    }
    return ratio(confusion[c][c], predicted);
  }

  /** Of the examples labelled {@code c}, the fraction predicted {@code c}. */
  public double recall(int c) {
    return ratio(confusion[c][c], support(c));
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** The unweighted mean of the classes' F1. */
  public double macroF1() {
    double sum = 0;
    for (int c = 0; c < classes(); c++) {
      sum += f1(c);
    }
    return sum / classes();
  }

  /**
   * Class {@code c} against the rest, ranked by its softmax probability (as scikit-learn's one-vs-rest metrics read
   * {@code predict_proba}); the scores are its log-probabilities in float64, the same order without the ties that
   * probabilities rounded near 1 would make. Null where an output is not finite (a diverged model's).
   */
  public ScoreRanking ranking(int c) {
    ScoreRanking[] r = rankings();
    return r == null ? null : r[c];
  }

  /**
   * The area under the ROC curve: of a two-class model, the second class's probability ranking it against the first
   * (scikit-learn's {@code roc_auc_score(y, p[:, 1])}); of more classes, each class's against the rest averaged
   * ({@code multi_class="ovr", average="macro"}), a class absent from the data left out. NaN where none is defined.
   */
  public double rocAuc() {
    return overClasses(ScoreRanking::rocAuc);
  }

  /** The average precision, of a two-class model the second class's, of more their mean, as {@link #rocAuc()}. */
  public double averagePrecision() {
    return overClasses(ScoreRanking::averagePrecision);
  }

  /**
   * Of a two-class model, the threshold on the second class's probability of the highest F1 of that class on these
   * examples ({@link ScoreRanking#bestF1}): halfway between the probability of the cut and the next lower one, so that
   * deciding "above it" ({@link #atThreshold}) decides as the cut does. NaN without a positive example or where an
   * output is not finite. Fitted on the examples it is judged by, it flatters: choose it on held-out data.
   */
  public double bestF1Threshold() {
    if (classes() != 2) {
      throw new IllegalArgumentException("a threshold decides between two classes; the model has " + classes());
    }
    ScoreRanking second = ranking(1);
    ScoreRanking.Cut cut = second == null ? null : second.bestF1();
    return cut == null ? Double.NaN : (Math.exp(cut.score()) + Math.exp(cut.nextScore())) / 2;
  }

  private double overClasses(ToDoubleFunction<ScoreRanking> figure) {
    ScoreRanking[] r = rankings();
    if (r == null) {
      return Double.NaN;
    }
    return r.length == 2 ? figure.applyAsDouble(r[1]) : ScoreRanking.macro(Arrays.stream(r).mapToDouble(figure)
        .toArray());
  }

  /**
   * The temperature that calibrates these outputs: the one minimising their negative log-likelihood ({@link
   * TemperatureScaling#fit}), to be fitted on held-out examples, not on those a model is judged by.
   */
  public double fittedTemperature() {
    int n = (int) examples;
    return TemperatureScaling.fit(Arrays.copyOf(outputs, n * classes()), Arrays.copyOf(labels, n), classes());
  }

  /**
   * The report of the same examples with every output divided by {@code temperature}: the same predictions, other
   * probabilities; the loss is the plain cross-entropy of the tempered outputs ({@link TemperatureScaling#nll}).
   */
  public ClassificationReport tempered(double temperature) {
    int n = (int) examples;
    int classes = classes();
    float[] scaled = new float[n * classes];
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = (float) (outputs[i] / temperature);
    }
    int[] y = Arrays.copyOf(labels, n);
    return of(scaled, y, classes, TemperatureScaling.nll(Arrays.copyOf(outputs, n * classes), y, classes,
        temperature));
  }

  /** The bins of Guo et al.'s expected calibration error (2017), and torchmetrics' default. */
  public static final int CALIBRATION_BINS = 15;

  /**
   * One bin of a reliability diagram: the examples whose confidence (the probability of the class predicted, the
   * likelier) lies in (lower, upper], their mean confidence and the fraction of them predicted right.
   */
  public record CalibrationBin(double lower, double upper, long examples, double confidence, double accuracy) {}

  /**
   * The reliability diagram's {@code bins} equal-width bins over (0, 1] (Guo, Pleiss, Sun and Weinberger, 2017): a
   * calibrated model is right as often as it is confident in every bin. Empty where an output is not finite.
   */
  public List<CalibrationBin> calibrationBins(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("a reliability diagram needs at least 1 bin, got " + bins);
    }
    int classes = classes();
    long[] count = new long[bins];
    long[] right = new long[bins];
    double[] confidence = new double[bins];
    for (int i = 0; i < examples; i++) {
      int row = i * classes;
      int predicted = 0;
      for (int c = 0; c < classes; c++) {
        if (!Float.isFinite(outputs[row + c])) {
          return List.of();
        }
        predicted = outputs[row + c] > outputs[row + predicted] ? c : predicted;
      }
      double sum = 0; // of exp(z − max): the top probability is its inverse
      for (int c = 0; c < classes; c++) {
        sum += Math.exp((double) outputs[row + c] - outputs[row + predicted]);
      }
      double p = 1 / sum;
      int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(p * bins) - 1)); // (b/bins, (b+1)/bins]
      count[b]++;
      right[b] += predicted == labels[i] ? 1 : 0;
      confidence[b] += p;
    }
    List<CalibrationBin> out = new ArrayList<>(bins);
    for (int b = 0; b < bins; b++) {
      out.add(new CalibrationBin((double) b / bins, (double) (b + 1) / bins, count[b],
          count[b] == 0 ? Double.NaN : confidence[b] / count[b], count[b] == 0 ? Double.NaN
              : (double) right[b] / count[b]));
    }
    return out;
  }

  /**
   * The expected calibration error: Σ |B|/N · |accuracy(B) − confidence(B)| over the {@code bins} bins, how far the
   * predicted class's probability is from how often it is right (0 for a calibrated model); NaN where an output is not
   * finite.
   */
  public double calibrationError(int bins) {
    List<CalibrationBin> diagram = calibrationBins(bins);
    if (diagram.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (CalibrationBin b : diagram) {
      sum += b.examples() == 0 ? 0 : b.examples() * Math.abs(b.accuracy() - b.confidence());
    }
    return sum / examples;
  }

  private synchronized ScoreRanking[] rankings() {
    if (rankings == null) {
      int classes = classes();
      int n = (int) examples;
      for (int i = 0; i < n * classes; i++) {
        if (!Float.isFinite(outputs[i])) {
          return null;
        }
      }
      double[][] logProbabilities = new double[classes][n];
      for (int i = 0; i < n; i++) {
        int row = i * classes;
        double logSum = TemperatureScaling.logSumExp(outputs, row, classes, 1);
        for (int c = 0; c < classes; c++) {
          logProbabilities[c][i] = outputs[row + c] - logSum;
        }
      }
      ScoreRanking[] r = new ScoreRanking[classes];
      boolean[] positive = new boolean[n];
      for (int c = 0; c < classes; c++) {
        for (int i = 0; i < n; i++) {
          positive[i] = labels[i] == c;
        }
        r[c] = ScoreRanking.of(logProbabilities[c], positive);
      }
      rankings = r;
    }
    return rankings;
  }

  private static double ratio(long num, long den) {
    return den == 0 ? 0 : (double) num / den;
  }
}
