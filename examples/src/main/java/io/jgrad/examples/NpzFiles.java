package io.jgrad.examples;

import io.jgrad.data.LabeledData;
import io.jgrad.data.NumpyDataset;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.NpyArray;
import io.jgrad.io.NpzArchive;
import io.jgrad.tools.ModelFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code train --dataset npz}: arrays of the user's in a NumPy {@code .npz} archive ({@link NumpyDataset}): Keras'
 * x_train and y_train, tested on its x_test and y_test where the archive holds them, or x and y; the test part is
 * otherwise a second archive's ({@code --test-data}: its x_test and y_test, or x and y) or held out of the first.
 *
 * @param test the test archive, or null for the training archive's own test arrays or, without them, to hold out
 *     {@code testSplit} ({@link HeldOut})
 * @param testSplit the fraction to hold out as {@code --test-split} gave it; null where it was not given
 * @param task whether y holds classes, values to fit, or labels' presences
 */
record NpzFiles(Path train, Path test, Double testSplit, TrainCommand.Task task) {

  /**
   * Both parts, unstandardised, the classes' names (a regression's targets', a multi-label table's labels') and one
   * example's shape ([C, H, W] for images, [F] for a table).
   */
  record Parts(TrainTestSplit split, List<String> classNames, int[] inputShape) {}

  /**
   * The header of the training inputs, read before the archive is: whether they are images or a table, and their shape
   * (the elements are not read).
   */
  static NpyArray.Header inputs(Path file) {
    NpzArchive archive = NpzArchive.open(file);
    return archive.header(NumpyDataset.trainingKeys(archive).x());
  }

  /** One training example's shape, channels first, or null where the archive cannot be read yet (for the warm-up). */
  int[] firstShape() {
    try {
      return NumpyDataset.exampleShape(inputs(train), train.toString());
    } catch (InvalidFileException e) {
      return null; // the reading that follows says what is wrong
    }
  }

  Parts read() {
    NpzArchive archive = NpzArchive.open(train);
    NumpyDataset training = read(archive, NumpyDataset.trainingKeys(archive), task, null, null);
    boolean ownTest = NumpyDataset.holdsTestPart(archive);
    if (ownTest && testSplit != null) {
      throw new IllegalArgumentException("--test-split " + testSplit + " would hold out part of the training arrays, "
          + "but " + train + " holds the test part, " + String.join(" and ", NumpyDataset.testKeys(archive).x(),
          NumpyDataset.testKeys(archive).y()) + ": train without it");
    }
    if (test == null && !ownTest) {
      return parts(training, HeldOut.split(train, training.data(), testSplit != null ? testSplit
          : HeldOut.DEFAULT_FRACTION, "examples"));
    }
    NpzArchive tests = test != null ? NpzArchive.open(test) : archive;
    LabeledData tested = read(tests, NumpyDataset.testKeys(tests), task, training.classNames(),
        training.inputShape()).data();
    return parts(training, new TrainTestSplit(training.data(), tested));
  }

  /** The training arrays' {@code k} folds for {@code --cv} ({@link Folds}). */
  List<Parts> folds(int k, long seed) {
    NpzArchive archive = NpzArchive.open(train);
    NumpyDataset training = read(archive, NumpyDataset.trainingKeys(archive), task, null, null);
    return Folds.of(training.data(), k, seed, train, "examples").stream().map(split -> parts(training, split)).toList();
  }

  /**
   * The examples of the archive {@code file} to evaluate {@code model} on: its x_test and y_test, or x and y, read as
   * the model's task reads them, with its classes, and of its input's shape.
   */
  static LabeledData evaluated(Path file, ModelFile model) {
    NpzArchive archive = NpzArchive.open(file);
    TrainCommand.Task task = model.isRegression() ? TrainCommand.Task.REGRESSION
        : model.isMultiLabel() ? TrainCommand.Task.MULTILABEL : TrainCommand.Task.CLASSIFICATION;
    return read(archive, NumpyDataset.testKeys(archive), task, model.classNames(), model.architecture().inputShape())
        .data();
  }

  /**
   * The arrays {@code keys} of {@code archive} as {@code task}'s examples. Of a test part, {@code names} are the
   * classes (a regression's targets, a multi-label table's labels) it must have, and {@code shape} its examples';
   * both null for the training part.
   */
  private static NumpyDataset read(NpzArchive archive, NumpyDataset.Keys keys, TrainCommand.Task task,
      List<String> names, int[] shape) {
    NpyArray x = archive.array(keys.x());
    NpyArray y = archive.array(keys.y());
    String namesKey = NumpyDataset.namesKey(archive);
    NumpyDataset data = switch (task) {
      case CLASSIFICATION -> NumpyDataset.classes(x, y, namesKey == null ? null : archive.array(namesKey), names);
      case REGRESSION -> NumpyDataset.regression(x, y);
      case MULTILABEL -> NumpyDataset.multiLabel(x, y);
    };
    if (shape != null && !Arrays.equals(data.inputShape(), shape)) {
      throw new InvalidFileException(x.source(), "examples of shape " + Arrays.toString(data.inputShape())
          + ", but the model reads " + Arrays.toString(shape));
    }
    if (names != null && data.classNames().size() != names.size()) { // a regression's targets, a table's labels
      throw new InvalidFileException(y.source(), data.classNames().size() + (task == TrainCommand.Task.REGRESSION
          ? " targets a row, but the model fits " : " labels a row, but the model tells ") + names.size());
    }
    return data;
  }

  private static Parts parts(NumpyDataset training, TrainTestSplit split) {
    return new Parts(split, training.classNames(), training.inputShape());
  }
}
