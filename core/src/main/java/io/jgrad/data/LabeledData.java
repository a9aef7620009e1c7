package io.jgrad.data;

/**
 * A classification dataset in memory: {@code size} examples of {@code featureSize} floats (row-major,
 * features[i·featureSize + j]) and one class label in {@code 0..numClasses-1} each.
 *
 * <p>The arrays are held, not copied (a training set is hundreds of megabytes); {@link
 * Standardizer#applyInPlace} rewrites the features in place.
 */
public final class LabeledData {
  private final float[] features;
  private final int[] labels;
  private final int featureSize;
  private final int numClasses;

  public LabeledData(float[] features, int[] labels, int featureSize, int numClasses) {
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
}
