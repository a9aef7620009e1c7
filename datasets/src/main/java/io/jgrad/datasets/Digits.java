package io.jgrad.datasets;

import io.jgrad.data.MnistDataset;
import io.jgrad.data.TrainTestSplit;

/**
 * 10,000 real MNIST digits bundled in this jar: 8,000 for training and 2,000 for testing, 28×28 grayscale pixels
 * scaled to [0, 1] with labels 0–9 (see {@code io/jgrad/datasets/digits/PROVENANCE.md} for their source and licence,
 * CC BY-SA 3.0). A 784-256-10 MLP reaches about 96% on them in a few seconds, with no download.
 */
public final class Digits {
  /** Where the four IDX files lie on the class path. */
  static final String RESOURCES = "io/jgrad/datasets/digits";

  /** Pixels per image (28 × 28). */
  public static final int FEATURES = 784;

  /** Classes: the digits 0–9. */
  public static final int CLASSES = 10;

  private Digits() {}

  /** Reads the bundled digits; each call returns fresh arrays (standardising one split leaves the next intact). */
  public static TrainTestSplit load() {
    return MnistDataset.loadResources(Digits.class.getClassLoader(), RESOURCES);
  }
}
