package io.jgrad.examples;

import io.jgrad.data.Imputer;
import io.jgrad.data.LabeledData;
import io.jgrad.data.Standardizer;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.data.ValidationSplit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The data of a {@code train} run: the training part, the validation part carved from it ({@code --val-split}; null
 * without it) and the test part, all standardised with statistics of the training part alone, so that neither the
 * validation nor the test examples leak into training. A regression table's targets are standardised so too, and a
 * table's missing values are filled with values learned from the training part alone ({@code --impute}).
 *
 * @param classNames class i's name
 * @param inputShape one example's shape: [channels, height, width] for images, [features] for a table
 * @param featureNames a table's feature columns, in the input's order; empty for images
 * @param targetScale the targets' standardisation, one channel a target, for regression data; null for classes
 * @param categories a table's columns of text, each with the categories of its one-hot features; empty for images
 * @param labelColumn a table's label columns as the table names them (header names, or indices without a header),
 *     comma-separated as {@code --label-column} takes them; null for images
 * @param imputer what filled a table's missing values (before standardisation); null where none were to be filled
 */
record TrainingData(LabeledData train, LabeledData validation, LabeledData test, Standardizer standardizer,
    List<String> classNames, int[] inputShape, List<String> featureNames, Standardizer targetScale,
    Map<String, List<String>> categories, String labelColumn, Imputer imputer) {

  /**
   * How a run's data is prepared.
   *
   * @param valSplit the fraction of the training set held out for validation (0: none), picked by {@code seed}
   * @param inputs the statistics that standardise the inputs, those of the model file a run starts from ({@code
   *     --init-from}), as its weights were trained with, or learns from ({@code --teacher}); null to fit them to the
   *     training part
   * @param targets likewise a regression's targets'
   * @param inputsFrom the option that names that model file, for the messages
   */
  record Preparation(double valSplit, long seed, Standardizer inputs, Standardizer targets, String inputsFrom) {}

  static TrainingData prepare(Datasets dataset, Path dir, Preparation how) {
    TrainTestSplit split = dataset.load(dir);
    int featureSize = split.train().featureSize();
    return prepare(split, dataset.channels, dataset.classNames, dataset.inputShape(featureSize), List.of(), Map.of(),
        null, null, TrainCommand.Task.CLASSIFICATION, how);
  }

  /** A table's parts, each feature standardised with its own statistics (the columns' units differ). */
  static TrainingData prepare(CsvFiles csv, Preparation how) {
    return prepare(csv.read(), csv, how);
  }

  /**
   * A table's {@code k} folds for cross-validation ({@link CsvFiles#folds}), each prepared as {@link #prepare(CsvFiles,
   * Preparation)} prepares the one split: its statistics, fill values and validation carve from its training part.
   */
  static List<TrainingData> folds(CsvFiles csv, int k, Preparation how) {
    return csv.folds(k, how.seed()).stream().map(parts -> prepare(parts, csv, how)).toList();
  }

  private static TrainingData prepare(CsvFiles.Parts parts, CsvFiles csv, Preparation how) {
    int featureSize = parts.split().train().featureSize();
    return prepare(parts.split(), featureSize, parts.classNames(), new int[] {featureSize}, parts.featureNames(),
        parts.categories(), parts.labelColumn(), csv.impute(), csv.task(), how);
  }

  /** An image folder's parts, standardised per channel as the image sets are. */
  static TrainingData prepare(ImageFiles images, Preparation how) {
    ImageFiles.Parts parts = images.read();
    int[] shape = parts.inputShape();
    return prepare(parts.split(), shape[0], parts.classNames(), shape, List.of(), Map.of(), null, null,
        TrainCommand.Task.CLASSIFICATION, how);
  }

  /**
   * A NumPy archive's parts: images standardised per channel as the image sets are, a table's features each on its
   * own.
   */
  static TrainingData prepare(NpzFiles arrays, Preparation how) {
    return prepare(arrays.read(), arrays, how);
  }

  /** A NumPy archive's {@code k} folds for cross-validation, each prepared as its one split is. */
  static List<TrainingData> folds(NpzFiles arrays, int k, Preparation how) {
    return arrays.folds(k, how.seed()).stream().map(parts -> prepare(parts, arrays, how)).toList();
  }

  private static TrainingData prepare(NpzFiles.Parts parts, NpzFiles arrays, Preparation how) {
    int[] shape = parts.inputShape();
    // A table's columns named by their indices, as a CSV file's without a header: predict and --importance read and
    // name them so. Images' [C, H, W] are standardised per channel, a table's [F] features each on its own.
    List<String> columns = shape.length == 1 ? IntStream.range(0, shape[0]).mapToObj(Integer::toString).toList()
        : List.of();
    return prepare(parts.split(), shape[0], parts.classNames(), shape, columns, Map.of(), null, null, arrays.task(),
        how);
  }

  private static TrainingData prepare(TrainTestSplit split, int channels, List<String> classNames, int[] inputShape,
      List<String> featureNames, Map<String, List<String>> categories, String labelColumn, Imputer.Strategy impute,
      TrainCommand.Task task, Preparation how) {
    LabeledData train = split.train();
    LabeledData test = split.test();
    LabeledData validation = null;
    if (how.valSplit() > 0) {
      ValidationSplit carved = ValidationSplit.carve(train, how.valSplit(), how.seed());
      train = carved.train();
      validation = carved.validation();
    }
    Imputer imputer = null;
    if (impute != null) {
      imputer = Imputer.fit(train, featureNames, categories, impute);
      train = imputer.apply(train);
      test = imputer.apply(test);
      validation = validation == null ? null : imputer.apply(validation);
    }
    Standardizer standardizer;
    if (how.inputs() == null) {
      standardizer = new TrainTestSplit(train, test).standardize(channels);
    } else { // the statistics the weights were trained with
      standardizer = how.inputs();
      if (standardizer.featureSize() != train.featureSize()) {
        throw new IllegalArgumentException(how.inputsFrom() + "'s model reads " + standardizer.featureSize()
            + " values an example; the data's examples have " + train.featureSize());
      }
      standardizer.applyInPlace(train);
      standardizer.applyInPlace(test);
    }
    if (validation != null) {
      standardizer.applyInPlace(validation);
    }
    Standardizer targetScale = null;
    if (task == TrainCommand.Task.REGRESSION) { // a multi-label table's 0/1 targets are BCE's as they are
      int t = train.targetSize();
      targetScale = how.targets() != null && how.targets().channels() == t ? how.targets()
          : Standardizer.fit(train.targets(), t, t); // another count of targets is refused once prepared
      targetScale.applyInPlace(train.targets());
      targetScale.applyInPlace(test.targets());
      if (validation != null) {
        targetScale.applyInPlace(validation.targets());
      }
    }
    return new TrainingData(train, validation, test, standardizer, classNames, inputShape, featureNames,
        targetScale, categories, labelColumn, imputer);
  }
}
