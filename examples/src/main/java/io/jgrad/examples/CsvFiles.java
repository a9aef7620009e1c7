package io.jgrad.examples;

import io.jgrad.data.CsvDataset;
import io.jgrad.data.CsvLine;
import io.jgrad.data.Imputer;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.io.InvalidFileException;
import io.jgrad.train.TrainingCheckpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code train --dataset csv}: a table of the user's, the classes those found in its training file (or, for regression,
 * the label columns' values as targets; for multi-label classification, each label column's 0/1 presences), and the
 * test part read from a second file or held out of the first.
 *
 * @param test the test table (with {@code train}'s columns, found by name, and classes), or null to hold out
 *     {@code testSplit} ({@link HeldOut})
 * @param labelColumn a header name or a 0-based index, as {@link CsvDataset#read(Path, String)} takes it; for
 *     regression and multi-label classification, one or several separated by commas ({@link #columns}); null: the
 *     last column
 * @param task whether the label columns hold classes, values to fit ({@link CsvDataset#readRegression}) or labels'
 *     presences ({@link CsvDataset#readMultiLabel})
 * @param impute how missing feature cells are filled ({@link TrainingData} learns the values from the training part),
 *     or null to refuse them
 * @param ignored the columns left out of both tables ({@code --ignore-columns}), by header name or index
 */
record CsvFiles(Path train, Path test, double testSplit, String labelColumn, TrainCommand.Task task,
    Imputer.Strategy impute, List<String> ignored) {
  /** The setting a checkpoint records the label column under: train's option, as {@link RecordedSettings} merges it. */
  static final String LABEL_COLUMN = "label-column";

  /** The setting a checkpoint records the task under (classification, regression or multilabel). */
  static final String TASK = "task";

  /** The label column a checkpoint records when none was named: the last. */
  static final String LAST_COLUMN = "-1";

  /** The setting a checkpoint records the columns left out under. */
  static final String IGNORE_COLUMNS = "ignore-columns";

  /**
   * The columns an option names, comma-separated ({@code --label-column}'s targets for regression, {@code
   * --ignore-columns}); a header name that holds a comma is named by its index.
   */
  static List<String> columns(String option, String spec) {
    List<String> columns = Arrays.stream(spec.split(",", -1)).map(String::strip).toList();
    if (columns.contains("")) {
      throw new IllegalArgumentException(option + " '" + spec + "' names an empty column (columns are separated by "
          + "single commas)");
    }
    return columns;
  }

  /**
   * The columns of {@code file}'s header besides {@code kept} (a model's input and label columns), for a reading that
   * leaves them out: whatever else another table holds (an identifier, free text) is then never read. None where the
   * first line is no header holding every kept name, or cannot be read (the reading says what is wrong).
   */
  static List<String> columnsBesides(Path file, Collection<String> kept) {
    List<String> first = firstRow(file);
    return first.containsAll(kept) ? first.stream().filter(c -> !kept.contains(c)).distinct().toList() : List.of();
  }

  /** The label column recorded in a table's model file (the last where none is recorded), for eval and predict. */
  static String recordedLabelColumn(Path model) {
    return TrainingCheckpoint.recordedConfig(model).getOrDefault(LABEL_COLUMN, LAST_COLUMN);
  }

  /**
   * Both parts, unstandardised, and the names of the classes (a regression table's: its target columns'), of the
   * features and the categories of the columns of text ({@link CsvDataset#categories}), and the label columns as the
   * table names them (header names, or 0-based indices without a header), as {@code --label-column} takes them.
   */
  record Parts(TrainTestSplit split, List<String> classNames, List<String> featureNames,
      Map<String, List<String>> categories, String labelColumn) {}

  /**
   * The cells of {@code file}'s first non-blank line, or 0 where it cannot be read or holds no such line: the JIT
   * warm-up's guess at the table's width before it loads (the reading that follows reports what is wrong).
   */
  static int cellsInFirstRow(Path file) {
    return firstRow(file).size();
  }

  /** The cells of {@code file}'s first non-blank line; none where it cannot be read (its reading says why). */
  private static List<String> firstRow(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of(); // a FIFO would block the read
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) {
          line = line.startsWith("\uFEFF") ? line.substring(1) : line; // a spreadsheet's byte-order mark
          CsvLine cells = new CsvLine(CsvLine.sniff(line));
          return cells.split(line) ? cells.texts() : List.of();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // the table's own reading says what is wrong
    }
    return List.of();
  }

  /** Both parts, missing feature cells NaN where they are to be imputed. */
  Parts read() {
    CsvDataset.Missing missing = missing();
    CsvDataset table = readTraining(missing);
    if (test == null) {
      return parts(table, HeldOut.split(train, table.data(), testSplit, "rows"));
    }
    CsvDataset tests;
    try { // the training table's columns and categories, found by name as eval finds a model's
      tests = (switch (task) {
        case REGRESSION -> CsvDataset.readRegression(test, table.labelColumns(), table.categories(), missing, ignored);
        case MULTILABEL -> CsvDataset.readMultiLabel(test, table.labelColumns(), table.categories(), missing, ignored);
        case CLASSIFICATION ->
            CsvDataset.read(test, table.labelColumn(), table.classNames(), table.categories(), missing, ignored);
      }).select(table.featureNames());
    } catch (IllegalArgumentException e) {
      throw new InvalidFileException(test.toString(), e.getMessage(), e);
    }
    return parts(table, new TrainTestSplit(table.data(), tests.data()));
  }

  /** The training table's {@code k} folds for {@code --cv} ({@link Folds}). */
  List<Parts> folds(int k, long seed) {
    CsvDataset table = readTraining(missing());
    return Folds.of(table.data(), k, seed, train, "rows").stream().map(split -> parts(table, split)).toList();
  }

  private CsvDataset.Missing missing() {
    return impute != null ? CsvDataset.Missing.AS_NAN : CsvDataset.Missing.REFUSED;
  }

  private CsvDataset readTraining(CsvDataset.Missing missing) {
    List<String> labels = labelColumn == null ? null : columns("--label-column", labelColumn);
    return switch (task) {
      case REGRESSION -> CsvDataset.readRegression(train, labels, Map.of(), missing, ignored);
      case MULTILABEL -> CsvDataset.readMultiLabel(train, labels, Map.of(), missing, ignored);
      case CLASSIFICATION -> CsvDataset.read(train, labelColumn, null, Map.of(), missing, ignored);
    };
  }

  /**
   * {@code split} of {@code table}'s rows with its names: classes (a regression table's targets, a multi-label table's
   * labels), features.
   */
  private Parts parts(CsvDataset table, TrainTestSplit split) {
    boolean columnsNamed = task != TrainCommand.Task.CLASSIFICATION;
    List<String> classNames = columnsNamed ? table.labelColumns() : table.classNames();
    // A label column named by a header that holds a comma is found again as the last column (it is one only by
    // default).
    String recorded = table.labelColumns().stream().anyMatch(c -> columnsNamed && c.contains(",")) ? LAST_COLUMN
        : String.join(",", table.labelColumns());
    return new Parts(split, classNames, table.featureNames(), table.categories(), recorded);
  }
}
