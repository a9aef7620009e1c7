package io.jgrad.data;

/** A dataset's training and test parts, with the same feature size and classes (or targets). */
public record TrainTestSplit(LabeledData train, LabeledData test) {
  public TrainTestSplit {
    if (train.featureSize() != test.featureSize() || !outputs(train).equals(outputs(test))) {
      throw new IllegalArgumentException("train has " + train.featureSize() + " features and " + outputs(train)
          + ", test " + test.featureSize() + " and " + outputs(test));
    }
  }

  private static String outputs(LabeledData data) {
    return data.isRegression() ? data.targetSize() + " targets" : data.numClasses() + " classes";
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
