package io.jgrad.tools;

import io.jgrad.data.LabeledData;
import io.jgrad.data.Shuffle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much a model leans on each input column of a table, as scikit-learn's {@code permutation_importance} measures
 * it: the column's values are shuffled across the rows (breaking its link to the target and keeping its distribution),
 * and its importance is the score lost, repeated with fresh shuffles. The score is a classifier's accuracy, a
 * multi-label model's subset accuracy or a regression model's R² (averaged over its targets), scikit-learn's default
 * scorers, or a classifier's area under the ROC curve ({@link Scoring#ROC_AUC}, scikit-learn's {@code
 * scoring="roc_auc"}: the ranking a column carries, where an imbalanced table's accuracy has little room to fall); a
 * column of text is shuffled whole, all its one-hot features together, as scikit-learn shuffles a column ahead of its
 * encoder.
 *
 * <p>Importance is the model's, not the data's: a column the model ignores scores 0 exactly, and of two columns that
 * carry the same information each may score low, the other standing in for it.
 */
public final class PermutationImportance {
  private PermutationImportance() {}

  /** The score whose loss is a column's importance. */
  public enum Scoring {
    /** A classifier's accuracy, a multi-label model's subset accuracy or a regression model's R². */
    DEFAULT,
    /** A classifier's ROC AUC ({@link io.jgrad.train.ClassificationReport#rocAuc}; a multi-label model's mean). */
    ROC_AUC
  }

  /**
   * One column's importance.
   *
   * @param drops the score lost in each repeat
   */
  public record Column(String name, double mean, double std, double[] drops) {
    public Column {
      drops = drops.clone();
    }

    @Override
    public double[] drops() {
      return drops.clone();
    }
  }

  /**
   * Each of the model's input columns' importance on {@code raw} (labelled data as their reader gives them, not
   * standardised), most important first; {@code repeats} shuffles a column, the same ones for the same {@code seed}.
   * The standard deviation is over the repeats (numpy's, ddof 0, as scikit-learn's).
   *
   * @throws IllegalArgumentException for a model of images (it has no columns) or fewer than 1 repeat
   */
  public static List<Column> of(Predictor predictor, LabeledData raw, int repeats, long seed) {
    return of(predictor, raw, repeats, seed, Scoring.DEFAULT);
  }

  /**
   * As {@link #of(Predictor, LabeledData, int, long)}, the importance the loss of {@code scoring}'s score.
   *
   * @throws IllegalArgumentException for the ROC AUC of a regression model
   */
  public static List<Column> of(Predictor predictor, LabeledData raw, int repeats, long seed, Scoring scoring) {
    if (scoring == Scoring.ROC_AUC && predictor.description().isRegression()) {
      throw new IllegalArgumentException("a regression model has no ROC AUC: score its importance by R²");
    }
    Map<String, int[]> columns = predictor.description().inputColumns();
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("permutation importance is for a model of a table (its columns)");
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    double baseline = score(predictor, raw, scoring);
    int rows = raw.size();
    int width = raw.featureSize();
    float[] original = raw.features();
    float[] shuffled = original.clone();
    SplittableRandom random = new SplittableRandom(seed);
    List<Column> result = new ArrayList<>();
    for (Map.Entry<String, int[]> column : columns.entrySet()) {
      double[] drops = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        int[] order = Shuffle.permutation(rows, random);
        for (int row = 0; row < rows; row++) {
          for (int f : column.getValue()) {
            shuffled[row * width + f] = original[order[row] * width + f];
          }
        }
        drops[r] = baseline - score(predictor, raw.withFeatures(shuffled, width), scoring);
      }
      for (int row = 0; row < rows; row++) { // back to the original for the next column
        for (int f : column.getValue()) {
          shuffled[row * width + f] = original[row * width + f];
        }
      }
      double mean = Arrays.stream(drops).average().orElseThrow();
      double variance = Arrays.stream(drops).map(d -> (d - mean) * (d - mean)).average().orElseThrow();
      result.add(new Column(column.getKey(), mean, Math.sqrt(variance), drops));
    }
    result.sort(Comparator.comparingDouble(Column::mean).reversed());
    return result;
  }

  /**
   * The model's score on {@code raw}: by default a classifier's accuracy, a multi-label model's subset accuracy or a
   * regression model's R², scikit-learn's; or the ROC AUC.
   */
  private static double score(Predictor predictor, LabeledData raw, Scoring scoring) {
    ModelFile model = predictor.description();
    if (scoring == Scoring.ROC_AUC) {
      return model.isMultiLabel() ? predictor.evaluateMultiLabel(raw).rocAucMacro() : predictor.evaluate(raw).rocAuc();
    }
    return model.isRegression() ? predictor.evaluateRegression(raw).r2()
        : model.isMultiLabel() ? predictor.evaluateMultiLabel(raw).subsetAccuracy()
        : predictor.evaluate(raw).accuracy();
  }
}
