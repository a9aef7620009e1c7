package io.jgrad.data;

import java.util.Arrays;

/**
 * Mean/standard-deviation standardisation, x → (x − mean) / std, with statistics fitted on a training
 * set. Features are split into {@code channels} equal contiguous planes (CIFAR's R, G, B planes of 1,024
 * pixels each) with one mean and std per plane; {@code channels = 1} is the global standardisation of
 * DESIGN.md's "train standardises inputs".
 */
public final class Standardizer {
  private final int featureSize;
  private final double[] mean;
  private final double[] std;

  private Standardizer(int featureSize, double[] mean, double[] std) {
    this.featureSize = featureSize;
    this.mean = mean;
    this.std = std;
  }

  /** Population mean and std of each channel plane of {@code train}'s features, in double. */
  public static Standardizer fit(LabeledData train, int channels) {
    return fit(train.features(), train.featureSize(), channels);
  }

  /**
   * Population mean and std of each channel plane of {@code x}, rows of {@code featureSize} values (a regression
   * set's targets, one channel a column, are standardised so too).
   */
  public static Standardizer fit(float[] x, int featureSize, int channels) {
    if (channels <= 0 || featureSize <= 0 || featureSize % channels != 0) {
      throw new IllegalArgumentException(featureSize + " features do not split into " + channels + " channels");
    }
    if (x.length == 0 || x.length % featureSize != 0) {
      throw new IllegalArgumentException(x.length == 0 ? "cannot fit a standardizer on an empty dataset"
          : x.length + " values are not rows of " + featureSize + " features");
    }
    int plane = featureSize / channels;
    double count = (double) (x.length / featureSize) * plane;
    double[] mean = new double[channels];
    double[] std = new double[channels];
    // Row by row, plane by plane: each channel's sum takes the values in the order of the array, as an index loop
    // would, without two integer divisions per value (Fashion-MNIST's 47M values took 0.8 s that way).
    for (int row = 0; row < x.length; row += featureSize) {
      for (int c = 0; c < channels; c++) {
        double sum = mean[c];
        for (int i = row + c * plane, end = i + plane; i < end; i++) {
          sum += x[i];
        }
        mean[c] = sum;
      }
    }
    for (int c = 0; c < channels; c++) {
      mean[c] /= count;
    }
    // Second pass over the deviations: sum-of-squares minus squared mean cancels badly in float data.
    for (int row = 0; row < x.length; row += featureSize) {
      for (int c = 0; c < channels; c++) {
        double m = mean[c];
        double sum = std[c];
        for (int i = row + c * plane, end = i + plane; i < end; i++) {
          double d = x[i] - m;
          sum += d * d;
        }
        std[c] = sum;
      }
    }
    for (int c = 0; c < channels; c++) {
      std[c] = Math.sqrt(std[c] / count);
      // A constant channel carries no information; dividing by 1 keeps it finite (zero after centring).
      if (std[c] == 0) {
        std[c] = 1;
      }
    }
    return new Standardizer(featureSize, mean, std);
  }

  /**
   * Statistics fitted before (a model file's): one mean and std per channel plane of {@code featureSize} features.
   */
  public static Standardizer of(int featureSize, double[] mean, double[] std) {
    if (mean.length == 0 || mean.length != std.length || featureSize % mean.length != 0) {
      throw new IllegalArgumentException(mean.length + " means and " + std.length + " stds do not standardise "
          + featureSize + " features in equal channel planes");
    }
    for (double d : std) {
      if (!(d > 0) || !Double.isFinite(d)) {
        throw new IllegalArgumentException("standard deviations must be finite and > 0, got " + Arrays.toString(std));
      }
    }
    return new Standardizer(featureSize, mean.clone(), std.clone());
  }

  /** Rewrites {@code data}'s features in place. */
  public void applyInPlace(LabeledData data) {
    if (data.featureSize() != featureSize) {
      throw new IllegalArgumentException("data has " + data.featureSize() + " features, fitted on " + featureSize);
    }
    applyInPlace(data.features());
  }

  /** Rewrites rows of {@code featureSize} features ({@code x.length} a multiple of it) in place. */
  public void applyInPlace(float[] x) {
    if (x.length % featureSize != 0) {
      throw new IllegalArgumentException(x.length + " values are not rows of " + featureSize + " features");
    }
    int plane = featureSize / mean.length;
    for (int row = 0; row < x.length; row += featureSize) {
      for (int c = 0; c < mean.length; c++) {
        double m = mean[c];
        double s = std[c];
        for (int i = row + c * plane, end = i + plane; i < end; i++) {
          x[i] = (float) ((x[i] - m) / s);
        }
      }
    }
  }

  /** Maps standardised rows back to their units in place, x → x·std + mean (a regression model's outputs). */
  public void invertInPlace(float[] x) {
    // x·s + m is the standardisation (x − (−m/s)) / (1/s), up to a rounding in double.
    double[] shift = new double[mean.length];
    double[] scale = new double[mean.length];
    for (int c = 0; c < mean.length; c++) {
      shift[c] = -mean[c] / std[c];
      scale[c] = 1 / std[c];
    }
    new Standardizer(featureSize, shift, scale).applyInPlace(x);
  }

  /** Values a row, as fitted. */
  public int featureSize() {
    return featureSize;
  }

  public int channels() {
    return mean.length;
  }

  /** Per-channel means (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviations (a copy; 1 for a constant channel). */
  public double[] std() {
    return std.clone();
  }
}
