package io.jgrad.examples;

import io.jgrad.data.LabeledData;
import io.jgrad.data.Standardizer;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.data.ValidationSplit;
import java.nio.file.Path;

/**
 * The data of a {@code train} run: the training part, the validation part carved from it ({@code --val-split}; null
 * without it) and the test part, all standardised with statistics of the training part alone, so that neither the
 * validation nor the test examples leak into training.
 */
record TrainingData(LabeledData train, LabeledData validation, LabeledData test, Standardizer standardizer) {

  /** @param valSplit the fraction of the training set held out (0: none), picked by {@code seed} */
  static TrainingData prepare(Datasets dataset, Path dir, double valSplit, long seed) {
    TrainTestSplit split = dataset.load(dir);
    LabeledData train = split.train();
    LabeledData validation = null;
    if (valSplit > 0) {
      ValidationSplit carved = ValidationSplit.carve(train, valSplit, seed);
      train = carved.train();
      validation = carved.validation();
    }
    Standardizer standardizer = new TrainTestSplit(train, split.test()).standardize(dataset.channels);
    if (validation != null) {
      standardizer.applyInPlace(validation);
    }
    return new TrainingData(train, validation, split.test(), standardizer);
  }
}
