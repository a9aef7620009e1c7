package io.jgrad.examples;

import io.jgrad.data.LabeledData;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.data.ValidationSplit;
import io.jgrad.io.InvalidFileException;
import java.nio.file.Path;

/**
 * The test part of a data set of one's own (a table, an image folder) given no test file: a fraction of its examples
 * held out, picked with a seed of its own rather than the run's, so that runs of other seeds are scored on the same
 * examples.
 */
final class HeldOut {
  /** scikit-learn's train_test_split holds out 0.25; a fifth keeps more to train on a small set. */
  static final double DEFAULT_FRACTION = 0.2;

  private static final long SEED = 0;

  private HeldOut() {}

  /**
   * @param source the file or folder the examples came from, for the message when a part would be empty
   * @param unit what an example is there ("rows", "images")
   */
  static TrainTestSplit split(Path source, LabeledData data, double fraction, String unit) {
    int held = (int) Math.round(fraction * data.size());
    if (held < 1 || held >= data.size()) {
      throw new InvalidFileException(source.toString(), data.size() + " " + unit + ", of which --test-split "
          + fraction + " holds out " + held + ": the training and test parts each need one at least");
    }
    ValidationSplit carved = ValidationSplit.carve(data, fraction, SEED);
    return new TrainTestSplit(carved.train(), carved.validation());
  }
}
