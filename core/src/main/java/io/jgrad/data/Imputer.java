package io.jgrad.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fills a table's missing values, as scikit-learn's {@code SimpleImputer} does ahead of a {@code OneHotEncoder}: one
 * fill value per feature, learned from the training rows' present values — their mean, median or most frequent value
 * ({@link Strategy}) — while a column of categories, whose one-hot features are missing together, takes its most
 * frequent category whatever the strategy. A missing value is a NaN feature ({@link CsvDataset} reads missing cells so
 * when asked); the values learned are those the test rows, {@code eval}'s table and {@code predict}'s rows are filled
 * with, so that no statistic of theirs leaks into the model.
 */
public final class Imputer {
  /** How a column of numbers' fill value is learned (scikit-learn's strategies of the same names). */
  public enum Strategy {
    MEAN,
    MEDIAN,
    /** The value present most often; the smallest of those tied. */
    MOST_FREQUENT
  }

  private final float[] fill;

  private Imputer(float[] fill) {
    this.fill = fill;
  }

  /** An imputer of these fill values, one per feature (a trained model's). */
  public static Imputer of(float[] fill) {
    for (float v : fill) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("fill values must be finite, got " + v);
      }
    }
    return new Imputer(fill.clone());
  }

  /**
   * Learns each feature's fill value from {@code data}'s present values.
   *
   * @param featureNames the features' names ({@link CsvDataset#featureNames})
   * @param categories the columns of categories, whose features are named {@code column_category}, in order
   *     ({@link CsvDataset#categories})
   * @throws IllegalArgumentException naming a feature (or column) with no value present to learn from
   */
  public static Imputer fit(LabeledData data, List<String> featureNames, Map<String, List<String>> categories,
      Strategy strategy) {
    int n = data.featureSize();
    if (featureNames.size() != n) {
      throw new IllegalArgumentException(featureNames.size() + " feature names for " + n + " features");
    }
    float[] x = data.features();
    int rows = data.size();
    float[] fill = new float[n];
    boolean[] done = new boolean[n];
    categories.forEach((column, values) -> {
      int first = featureNames.indexOf(column + "_" + values.get(0));
      if (first < 0 || first + values.size() > n) {
        throw new IllegalArgumentException("no features " + column + "_" + values.get(0) + "… for column " + column);
      }
      long[] counts = new long[values.size()];
      for (int row = 0; row < rows; row++) {
        for (int k = 0; k < counts.length; k++) {
          if (x[row * n + first + k] == 1) {
            counts[k]++;
          }
        }
      }
      int mode = 0;
      for (int k = 1; k < counts.length; k++) {
        mode = counts[k] > counts[mode] ? k : mode;
      }
      if (counts[mode] == 0) {
        throw new IllegalArgumentException("column '" + column + "' has no category in any training row to fill its "
            + "missing ones with");
      }
      for (int k = 0; k < counts.length; k++) {
        fill[first + k] = k == mode ? 1 : 0;
        done[first + k] = true;
      }
    });
    float[] present = new float[rows];
    for (int f = 0; f < n; f++) {
      if (done[f]) {
        continue;
      }
      int count = 0;
      for (int row = 0; row < rows; row++) {
        float v = x[row * n + f];
        if (!Float.isNaN(v)) {
          present[count++] = v;
        }
      }
      if (count == 0) {
        throw new IllegalArgumentException("column '" + featureNames.get(f) + "' has no value in any training row to "
            + "learn its fill value from");
      }
      fill[f] = statistic(present, count, strategy);
    }
    return new Imputer(fill);
  }

  private static float statistic(float[] values, int count, Strategy strategy) {
    if (strategy == Strategy.MEAN) {
      double sum = 0;
      for (int i = 0; i < count; i++) {
        sum += values[i];
      }
      return (float) (sum / count);
    }
    Arrays.sort(values, 0, count);
    if (strategy == Strategy.MEDIAN) {
      int mid = count / 2;
      return count % 2 == 1 ? values[mid] : (float) (((double) values[mid - 1] + values[mid]) / 2);
    }
    float mode = values[0];
    int best = 0;
    for (int i = 0; i < count; ) {
      int j = i;
      while (j < count && values[j] == values[i]) {
        j++;
      }
      if (j - i > best) {
        best = j - i;
        mode = values[i];
      }
      i = j;
    }
    return mode;
  }

  /** The fill value of each feature. */
  public float[] fill() {
    return fill.clone();
  }

  /** {@code data} with each missing (NaN) feature replaced by its fill value; {@code data} itself where none is. */
  public LabeledData apply(LabeledData data) {
    if (data.featureSize() != fill.length) {
      throw new IllegalArgumentException("data of " + data.featureSize() + " features for an imputer of "
          + fill.length);
    }
    float[] x = data.features();
    for (float v : x) {
      if (Float.isNaN(v)) {
        float[] filled = x.clone();
        fillInPlace(filled);
        return data.withFeatures(filled, fill.length);
      }
    }
    return data;
  }

  /** Replaces each NaN of {@code x}, rows of this imputer's features, by its feature's fill value. */
  public void fillInPlace(float[] x) {
    if (x.length % fill.length != 0) {
      throw new IllegalArgumentException(x.length + " values are not rows of an imputer's " + fill.length
          + " features");
    }
    for (int i = 0; i < x.length; i++) {
      if (Float.isNaN(x[i])) {
        x[i] = fill[i % fill.length];
      }
    }
  }
}
