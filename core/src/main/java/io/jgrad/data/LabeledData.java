package io.jgrad.data;

import java.util.Arrays;

/**
 * A dataset in memory: {@code size} examples of {@code featureSize} floats (row-major, features[i·featureSize + j]),
 * each with one class label in {@code 0..numClasses-1} (classification) or {@code targetSize} float targets
 * ({@link #regression}: the values a model is fitted to, as PyTorch's {@code TensorDataset(x, y)} with a float y).
 *
 * <p>The arrays are held, not copied (a training set is hundreds of megabytes); {@link
 * Standardizer#applyInPlace} rewrites the features in place. Images also carry their shape [C, H, W] ({@link
 * #exampleShape}), which a {@link DataLoader} in {@link DataLoader.Layout#EXAMPLE} layout keeps.
 */
public final class LabeledData {
  private final float[] features;
  /** Null for regression data. */
  private final int[] labels;
  /** Null for classification data. */
  private final float[] targets;
  private final int size;
  private final int featureSize;
  /** 0 for regression data. */
  private final int numClasses;
  /** 0 for classification data. */
  private final int targetSize;
  private final int[] exampleShape;

  /** Examples of featureSize values with no further shape (their shape is [featureSize]). */
  public LabeledData(float[] features, int[] labels, int featureSize, int numClasses) {
    this(features, labels, featureSize, numClasses, new int[] {featureSize});
  }

  /** @param exampleShape one example's shape, e.g. [C, H, W] for images; its product must be featureSize */
  public LabeledData(float[] features, int[] labels, int featureSize, int numClasses, int[] exampleShape) {
    this(features, labels, null, featureSize, numClasses, 0, exampleShape);
    if (numClasses <= 0) {
      throw new IllegalArgumentException("numClasses " + numClasses + ", expected > 0");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " of example " + i + ", expected 0.."
            + (numClasses - 1));
      }
    }
  }

  /**
   * Regression data: example i's targets are {@code targets[i·targetSize …]}, each finite. A {@link DataLoader}'s
   * batches carry them as float32 [B, targetSize], the shape a model of {@code targetSize} outputs gives.
   */
  public static LabeledData regression(float[] features, float[] targets, int featureSize, int targetSize) {
    if (targetSize <= 0 || targets.length % targetSize != 0) {
      throw new IllegalArgumentException(targets.length + " targets are not rows of " + targetSize);
    }
    for (int i = 0; i < targets.length; i++) {
      if (!Float.isFinite(targets[i])) {
        throw new IllegalArgumentException("target " + targets[i] + " of example " + i / targetSize
            + ", expected a finite number");
      }
    }
    return new LabeledData(features, null, targets, featureSize, 0, targetSize, new int[] {featureSize});
  }

  private LabeledData(float[] features, int[] labels, float[] targets, int featureSize, int numClasses,
      int targetSize, int[] exampleShape) {
    this.size = labels != null ? labels.length : targets.length / targetSize;
    if (featureSize <= 0 || (long) size * featureSize != features.length) {
      throw new IllegalArgumentException(
          features.length + " features are not " + size + " examples of " + featureSize);
    }
    if (Arrays.stream(exampleShape).asLongStream().reduce(1, (a, b) -> a * b) != featureSize) {
      throw new IllegalArgumentException(
          "example shape " + Arrays.toString(exampleShape) + " does not hold " + featureSize + " features");
    }
    this.exampleShape = exampleShape.clone();
    this.features = features;
    this.labels = labels;
    this.targets = targets;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
    this.targetSize = targetSize;
  }

  /** size × featureSize, row-major; the backing array. */
  public float[] features() {
    return features;
  }

  /** Whether the examples carry float targets ({@link #regression}) rather than class labels. */
  public boolean isRegression() {
    return targets != null;
  }

  /** One label per example; the backing array. Classification data only. */
  public int[] labels() {
    if (labels == null) {
      throw new IllegalStateException("regression data carry targets, not class labels");
    }
    return labels;
  }

  /** size × targetSize, row-major; the backing array. Regression data only. */
  public float[] targets() {
    if (targets == null) {
      throw new IllegalStateException("classification data carry class labels, not targets");
    }
    return targets;
  }

  public int size() {
    return size;
  }

  public int featureSize() {
    return featureSize;
  }

  /** The classes of classification data. */
  public int numClasses() {
    if (labels == null) {
      throw new IllegalStateException("regression data have targets, not classes");
    }
    return numClasses;
  }

  /** How many examples each class has, by class. Classification data only. */
  public int[] classCounts() {
    int[] counts = new int[numClasses()];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /** Targets per example of regression data. */
  public int targetSize() {
    if (targets == null) {
      throw new IllegalStateException("classification data have classes, not targets");
    }
    return targetSize;
  }

  /** One example's shape: [C, H, W] for images, [featureSize] otherwise. */
  public int[] exampleShape() {
    return exampleShape.clone();
  }

  /** The examples {@code rows}, in that order, copied: their features, shape, and labels or targets. */
  public LabeledData rows(int[] rows) {
    int f = featureSize;
    float[] x = new float[rows.length * f];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(features, rows[i] * f, x, i * f, f);
    }
    if (targets != null) {
      float[] t = new float[rows.length * targetSize];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(targets, rows[i] * targetSize, t, i * targetSize, targetSize);
      }
      return new LabeledData(x, null, t, f, 0, targetSize, exampleShape);
    }
    int[] y = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      y[i] = labels[rows[i]];
    }
    return new LabeledData(x, y, f, numClasses, exampleShape);
  }

  /** The same examples' labels or targets (shared, not copied) with other features, {@code featureSize} a row. */
  public LabeledData withFeatures(float[] features, int featureSize) {
    return targets != null ? regression(features, targets, featureSize, targetSize)
        : new LabeledData(features, labels, featureSize, numClasses);
  }
}
