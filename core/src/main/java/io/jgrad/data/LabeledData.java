package io.jgrad.data;

import java.util.Arrays;

/**
 * A classification dataset in memory: {@code size} examples of {@code featureSize} floats (row-major,
 * features[i·featureSize + j]) and one class label in {@code 0..numClasses-1} each.
 *
 * <p>The arrays are held, not copied (a training set is hundreds of megabytes); {@link
 * Standardizer#applyInPlace} rewrites the features in place. Images also carry their shape [C, H, W] ({@link
 * #exampleShape}), which a {@link DataLoader} in {@link DataLoader.Layout#EXAMPLE} layout keeps.
 */
public final class LabeledData {
  private final float[] features;
  private final int[] labels;
  private final int featureSize;
  private final int numClasses;
  private final int[] exampleShape;

  /** Examples of featureSize values with no further shape (their shape is [featureSize]). */
  public LabeledData(float[] features, int[] labels, int featureSize, int numClasses) {
    this(features, labels, featureSize, numClasses, new int[] {featureSize});
  }

  /** @param exampleShape one example's shape, e.g. [C, H, W] for images; its product must be featureSize */
  public LabeledData(float[] features, int[] labels, int featureSize, int numClasses, int[] exampleShape) {
    if (featureSize <= 0 || (long) labels.length * featureSize != features.length) {
      throw new IllegalArgumentException(
          features.length + " features are not " + labels.length + " examples of " + featureSize);
    }
    if (numClasses <= 0) {
      throw new IllegalArgumentException("numClasses " + numClasses + ", expected > 0");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " of example " + i + ", expected 0.."
            + (numClasses - 1));
      }
    }
    if (Arrays.stream(exampleShape).asLongStream().reduce(1, (a, b) -> a * b) != featureSize) {
      throw new IllegalArgumentException(
          "example shape " + Arrays.toString(exampleShape) + " does not hold " + featureSize + " features");
    }
    this.exampleShape = exampleShape.clone();
    this.features = features;
    this.labels = labels;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
  }

  /** size × featureSize, row-major; the backing array. */
  public float[] features() {
    return features;
  }

  /** One label per example; the backing array. */
  public int[] labels() {
    return labels;
  }

  public int size() {
    return labels.length;
  }

  public int featureSize() {
    return featureSize;
  }

  public int numClasses() {
    return numClasses;
  }

  /** One example's shape: [C, H, W] for images, [featureSize] otherwise. */
  public int[] exampleShape() {
    return exampleShape.clone();
  }
}
