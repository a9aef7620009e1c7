package io.jgrad.data;

/** A dataset's training and test parts, with the same feature size and classes. */
public record TrainTestSplit(LabeledData train, LabeledData test) {
  public TrainTestSplit {
    if (train.featureSize() != test.featureSize() || train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException(
          "train has " + train.featureSize() + " features and " + train.numClasses() + " classes, test "
              + test.featureSize() + " and " + test.numClasses());
    }
  }

  /**
   * Standardises both parts in place with statistics of the training part only (so nothing about the
   * test set leaks into training), per channel plane; returns those statistics.
   */
  public Standardizer standardize(int channels) {
    Standardizer standardizer = Standardizer.fit(train, channels);
    standardizer.applyInPlace(train);
    standardizer.applyInPlace(test);
    return standardizer;
  }
}
