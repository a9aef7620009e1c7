package io.jgrad.data;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.IoErrors;
import io.jgrad.io.RegularFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table read from a CSV file, as pandas' {@code read_csv}, scikit-learn's {@code LabelEncoder} and its {@code
 * OneHotEncoder} prepare one: one example per row, its class in one column (text or integers), or its target values in
 * one column or several ({@link #readRegression}), or whether each of several labels applies ({@link #readMultiLabel}),
 * and a feature in every other column: a number, or text, whose
 * column is then one-hot encoded (a column of categories: its first row's cell is text). The first row is a header when a feature cell in it
 * is not a number, as it is where a column holds categories. Cells may be in double quotes (RFC 4180, a quoted cell on
 * one line); blank lines are skipped. A non-numeric value in a column of numbers, a row of another length, or a label
 * or category outside fixed ones is an {@link InvalidFileException} naming the line and the column. So is a missing
 * feature ({@link CsvLine#isMissing}: empty, {@code NA}, {@code NaN}…), unless the reading is asked to keep it as NaN
 * ({@link Missing#AS_NAN}) for an {@link Imputer} to fill; a missing label always is.
 *
 * @param data the examples, features in column order without the label's (a column of categories as one 0/1 feature
 *     per category), labels as class indices (or the target columns' values, {@link LabeledData#regression}, or a
 *     multi-label table's 0/1 presences)
 * @param featureNames the header's names of the feature columns, or their 0-based column indices without a header; a
 *     column of categories gives one name a category, its own and the category's joined by "_" (pandas'
 *     {@code get_dummies}): {@code color_red}
 * @param labelColumns the label column's header name, or its 0-based index without a header; a regression table's
 *     target columns (a multi-label table's label columns) so named, in the order they were asked for (one target each)
 * @param classNames class i's label as the file writes it: the labels found, in numeric order where every label is
 *     an integer and in text order otherwise, or the classes fixed by the caller; empty for a regression or
 *     multi-label table
 * @param categories each column of categories by name, with its categories in the order of their features: those
 *     found, ordered as classes are, or those fixed by the caller
 */
public record CsvDataset(LabeledData data, List<String> featureNames, List<String> labelColumns,
    List<String> classNames, Map<String, List<String>> categories) {
  /** What an error on a missing feature adds. */
  private static final String NOT_FILLED =
      "a missing value (filled in only by a model trained with --impute, or an Imputer)";

  /** What a number written with a decimal comma is told. */
  private static final String DECIMAL_COMMA = "a decimal comma? numbers are read with a decimal point (1.5), as "
      + "pandas reads them by default";

  /** Labels, or categories, all distinct over at least this many rows are an identifier column, not classes. */
  private static final int DISTINCT_LABELS_SUSPECT = 10;

  /** The most categories a column is one-hot encoded into. */
  public static final int MAX_CATEGORIES = 1000;

  /** What a missing feature cell reads as. */
  public enum Missing {
    /** An error naming the line and the column. */
    REFUSED,
    /**
     * NaN, and in a column of categories NaN in each of its one-hot features; a column's kind (numbers or categories)
     * is then its first present cell's.
     */
    AS_NAN
  }

  public CsvDataset {
    featureNames = List.copyOf(featureNames);
    labelColumns = List.copyOf(labelColumns);
    classNames = List.copyOf(classNames);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    categories.forEach((column, values) -> copy.put(column, List.copyOf(values)));
    categories = Collections.unmodifiableMap(copy);
  }

  /**
   * The label column: a classifier's, or the one target column of a regression table.
   *
   * @throws IllegalStateException where the table has several target columns ({@link #labelColumns})
   */
  public String labelColumn() {
    if (labelColumns.size() != 1) {
      throw new IllegalStateException("a table of " + labelColumns.size() + " target columns: see labelColumns()");
    }
    return labelColumns.get(0);
  }

  /**
   * This table with the features {@code names} in that order (a trained model's columns), found by the header's names;
   * other columns are left out. A table without a header (its names are column indices) is taken as it is when it has
   * as many features.
   *
   * @throws IllegalArgumentException naming the first column the table lacks
   */
  public CsvDataset select(List<String> names) {
    if (names.equals(featureNames)) {
      return this;
    }
    int n = data.featureSize();
    boolean headerless = namedByIndex(featureNames);
    if (headerless && names.size() == n) {
      return this;
    }
    int[] from = new int[names.size()];
    for (int i = 0; i < from.length; i++) {
      from[i] = featureNames.indexOf(names.get(i));
      if (from[i] < 0) {
        throw new IllegalArgumentException(headerless
            ? "no header row to find the columns by, and " + n + " features where " + names.size() + " are read"
            : "no column '" + names.get(i) + "' (the columns read are " + String.join(", ", names) + ")");
      }
    }
    float[] x = data.features();
    float[] picked = new float[data.size() * from.length];
    for (int row = 0, at = 0; row < data.size(); row++) {
      for (int c : from) {
        picked[at++] = x[row * n + c];
      }
    }
    return new CsvDataset(data.withFeatures(picked, from.length), names, labelColumns, classNames, categories);
  }

  /** Whether feature names are column indices, as a table without a header row names its features. */
  public static boolean namedByIndex(List<String> featureNames) {
    return featureNames.stream().allMatch(s -> s.matches("\\d+"));
  }

  /**
   * Reads {@code file}, finding the classes in it.
   *
   * @param labelColumn the label's column: a header name, a 0-based index (negative counts from the end: -1 is the
   *     last), or null for the last column
   */
  public static CsvDataset read(Path file, String labelColumn) {
    return read(file, labelColumn, null);
  }

  /**
   * Reads {@code file} as a regression table: the value in {@code targetColumn} (named as in {@link #read(Path,
   * String)}) is each row's target, a finite number, and the data carry it as one float target per example.
   */
  public static CsvDataset readRegression(Path file, String targetColumn) {
    return readRegression(file, targetColumn, Map.of());
  }

  /**
   * {@link #readRegression(Path, String)} with the categories of these columns fixed (a training table's, or a trained
   * model's): a text there that is not one of them is an error.
   */
  public static CsvDataset readRegression(Path file, String targetColumn, Map<String, List<String>> categories) {
    return readRegression(file, targetColumn, categories, Missing.REFUSED);
  }

  /** {@link #readRegression(Path, String, Map)}, missing feature cells read as {@code missing} says. */
  public static CsvDataset readRegression(Path file, String targetColumn, Map<String, List<String>> categories,
      Missing missing) {
    return readRegression(file, targetColumn == null ? null : List.of(targetColumn), categories, missing);
  }

  /**
   * Reads {@code file} as a regression table of several targets, as scikit-learn's multi-output regressors take one:
   * each of {@code targetColumns} (named as in {@link #read(Path, String)}; null: the last column alone) holds a finite
   * number a row, and the data carry them as that many float targets per example, in that order; every other column is
   * a feature. Missing feature cells are read as {@code missing} says; the categories of these columns are fixed.
   */
  public static CsvDataset readRegression(Path file, List<String> targetColumns,
      Map<String, List<String>> categories, Missing missing) {
    return readRegression(file, targetColumns, categories, missing, List.of());
  }

  /**
   * {@link #readRegression(Path, List, Map, Missing)} with the columns {@code ignored} (header names or 0-based indices,
   * as the label's) left out, as pandas' {@code drop(columns=...)} leaves them: an identifier, free text, a column that
   * would leak the target.
   */
  public static CsvDataset readRegression(Path file, List<String> targetColumns,
      Map<String, List<String>> categories, Missing missing, List<String> ignored) {
    if (targetColumns != null && targetColumns.isEmpty()) {
      throw new IllegalArgumentException("no target column named");
    }
    return read(file, new Reading(file.toString(), targetColumns, null, LabelKind.VALUES, categories, missing,
        ignored));
  }

  /**
   * Reads {@code file} as a multi-label table, as scikit-learn's classifiers take a label indicator matrix: each of
   * {@code labelColumns} (named as in {@link #read(Path, String)}; null: the last column alone) marks its label present
   * in a row with 1 (or {@code true}, as pandas writes a column of booleans) and absent with 0 ({@code false}), and the
   * data carry them as that many 0/1 float targets per example, in that order; every other column is a feature, read
   * as {@link #readRegression(Path, List, Map, Missing, List)} reads them.
   */
  public static CsvDataset readMultiLabel(Path file, List<String> labelColumns, Map<String, List<String>> categories,
      Missing missing, List<String> ignored) {
    if (labelColumns != null && labelColumns.isEmpty()) {
      throw new IllegalArgumentException("no label column named");
    }
    return read(file, new Reading(file.toString(), labelColumns, null, LabelKind.PRESENCE, categories, missing,
        ignored));
  }

  /**
   * Reads {@code file} with the classes fixed (a test file of a training file's classes, or a trained model's): a
   * label that is not one of {@code classNames} is an error, and class i is {@code classNames.get(i)}.
   */
  public static CsvDataset read(Path file, String labelColumn, List<String> classNames) {
    return read(file, labelColumn, classNames, Map.of());
  }

  /**
   * {@link #read(Path, String, List)} with the categories of these columns fixed as well (a training table's, or a
   * trained model's): a text in such a column that is not one of them is an error, and its features are those
   * categories in that order. Other columns of text are found as {@link #read(Path, String)} finds them.
   */
  public static CsvDataset read(Path file, String labelColumn, List<String> classNames,
      Map<String, List<String>> categories) {
    return read(file, labelColumn, classNames, categories, Missing.REFUSED);
  }

  /**
   * {@link #read(Path, String, List, Map)} (null {@code classNames}: the classes found), missing feature cells read as
   * {@code missing} says.
   */
  public static CsvDataset read(Path file, String labelColumn, List<String> classNames,
      Map<String, List<String>> categories, Missing missing) {
    return read(file, labelColumn, classNames, categories, missing, List.of());
  }

  /**
   * {@link #read(Path, String, List, Map, Missing)} with the columns {@code ignored} (header names or 0-based indices,
   * as the label's) left out, as pandas' {@code drop(columns=...)} leaves them.
   */
  public static CsvDataset read(Path file, String labelColumn, List<String> classNames,
      Map<String, List<String>> categories, Missing missing, List<String> ignored) {
    return read(file, new Reading(file.toString(), labelColumn == null ? null : List.of(labelColumn), classNames,
        LabelKind.CLASS, categories, missing, ignored));
  }

  private static CsvDataset read(Path file, Reading reading) {
    RegularFiles.require(file); // a missing file says so; a FIFO would block the read
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return reading.read(in);
    } catch (CharacterCodingException e) {
      throw new InvalidFileException(file.toString(), "not UTF-8 text (a CSV file is read as UTF-8)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
    }
  }

  /** What a row's label columns hold: its one class, its target values, or whether each of its labels is present. */
  private enum LabelKind {
    CLASS, VALUES, PRESENCE
  }

  /** The state of one file's reading: its columns once the first row is seen, and the rows so far. */
  private static final class Reading {
    private final String file;
    /** The label columns as named (null: the last); a classification has one. */
    private final List<String> labelSpecs;
    private final LabelKind kind;
    /** Whether the label columns hold numbers (target values, or 0/1 presences) rather than a class. */
    private final boolean regression;
    private final Categories classes;
    private final Map<String, List<String>> fixedCategories;
    private final boolean keepMissing;
    /** Each column's categories where it holds text, else null; decided on the first row of data. */
    private Categories[] text;
    /** Columns whose kind waits for a present cell (each so far missing, read as NaN); null until the first row. */
    private boolean[] undecided;
    /** The first line's delimiter's ({@link CsvLine#sniff}); null before it. */
    private CsvLine cells;
    private List<String> columns;
    private boolean header;
    /** The columns left out, as named. */
    private final List<String> ignoredSpecs;
    /** The label columns' indices, in the order named. */
    private int[] labelIndices;
    /** Whether each column is a label column. */
    private boolean[] isLabel;
    /** Whether each column is a label column or left out: not a feature. */
    private boolean[] skip;
    /** The columns that are features. */
    private int featureColumns;
    private float[] features = new float[1024];
    /** Class ids, or (regression) the target values, row-major, by row. */
    private int[] labels;
    private float[] targets;
    private int rows;

    Reading(String file, List<String> labelSpecs, List<String> fixedClasses, LabelKind kind,
        Map<String, List<String>> fixedCategories, Missing missing, List<String> ignored) {
      this.ignoredSpecs = List.copyOf(ignored);
      this.keepMissing = missing == Missing.AS_NAN;
      this.file = file;
      this.kind = kind;
      this.regression = kind != LabelKind.CLASS;
      this.labels = regression ? null : new int[64];
      this.targets = regression ? new float[64] : null;
      this.labelSpecs = labelSpecs == null ? null : List.copyOf(labelSpecs);
      this.classes = new Categories(fixedClasses);
      this.fixedCategories = Map.copyOf(fixedCategories);
    }

    CsvDataset read(BufferedReader in) throws IOException {
      int lineNumber = 0;
      for (String line; (line = in.readLine()) != null; ) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // the byte-order mark spreadsheets write
        }
        if (line.isBlank()) {
          continue;
        }
        if (cells == null) {
          cells = new CsvLine(CsvLine.sniff(line));
        }
        if (!cells.split(line)) {
          throw error(lineNumber, "a quoted cell runs past the end of the line (cells spanning lines are not read)");
        }
        if (columns == null) {
          if (firstRow(cells.texts())) {
            continue; // a header
          }
        } else if (cells.size() != columns.size()) {
          throw error(lineNumber, "has " + cells.size() + " cells, the " + (header ? "header" : "first row") + " "
              + columns.size());
        }
        add(cells, lineNumber);
      }
      if (columns == null || rows == 0) {
        throw new InvalidFileException(file, "no rows of data");
      }
      return result();
    }

    /** Takes the columns from the first row; returns whether it is a header. */
    private boolean firstRow(List<String> cells) {
      if (cells.size() < 2) {
        throw new InvalidFileException(file, "the first row has " + cells.size() + " cell: a label and at least one "
            + "feature are needed (cells are separated by commas, semicolons, tabs or bars)");
      }
      List<String> specs = labelSpecs == null ? List.of("-1") : labelSpecs;
      // A name makes the first row a header, which must name it; indices alone leave it to the cells to say.
      header = specs.stream().anyMatch(spec -> parseIndex(spec) == null)
          || ignoredSpecs.stream().anyMatch(spec -> parseIndex(spec) == null);
      labelIndices = new int[specs.size()];
      isLabel = new boolean[cells.size()];
      for (int l = 0; l < labelIndices.length; l++) {
        Integer index = parseIndex(specs.get(l));
        int c = index == null ? find(cells, specs.get(l)) : resolve(index, cells.size());
        if (isLabel[c]) {
          throw new InvalidFileException(file, "column " + c + " ('" + cells.get(c) + "') is named twice as "
              + aLabel());
        }
        isLabel[c] = true;
        labelIndices[l] = c;
      }
      skip = isLabel.clone();
      for (String spec : ignoredSpecs) {
        Integer index = parseIndex(spec);
        int c = index == null ? find(cells, spec) : resolve(index, cells.size());
        if (isLabel[c]) {
          throw new InvalidFileException(file, "column " + c + " ('" + cells.get(c) + "') is both "
              + aLabel() + " and left out");
        }
        skip[c] = true;
      }
      featureColumns = 0;
      for (boolean skipped : skip) {
        featureColumns += skipped ? 0 : 1;
      }
      if (featureColumns == 0) {
        throw new InvalidFileException(file, "every column is a " + (kind == LabelKind.VALUES ? "target" : "label")
            + (ignoredSpecs.isEmpty() ? "" : " or left out") + ": at least one feature is needed");
      }
      for (int i = 0; i < cells.size() && !header; i++) {
        header = !skip[i] && !isNumber(cells.get(i)) && !(keepMissing && CsvLine.isMissing(cells.get(i)));
      }
      if (header) {
        columns = List.copyOf(cells);
      } else {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
          names.add(Integer.toString(i));
        }
        columns = names;
      }
      return header;
    }

    private int find(List<String> headerCells, String name) {
      int found = headerCells.indexOf(name);
      if (found < 0) {
        for (int i = 0; i < headerCells.size(); i++) {
          if (headerCells.get(i).equalsIgnoreCase(name)) {
            found = i;
            break;
          }
        }
      }
      if (found < 0) {
        boolean numbers = headerCells.stream().allMatch(Reading::isNumber);
        throw new InvalidFileException(file, numbers
            ? "no header row to find the label column '" + name + "' in: name it by its 0-based index"
            : "no column '" + name + "' in the header (" + listed(headerCells) + ")");
      }
      return found;
    }

    private int resolve(int index, int width) {
      int i = index < 0 ? width + index : index;
      if (i < 0 || i >= width) {
        throw new InvalidFileException(file, "label column " + index + " is outside the " + width + " columns (0.."
            + (width - 1) + ", or -1 for the last)");
      }
      return i;
    }

    private void add(CsvLine cells, int lineNumber) {
      int featureSize = featureColumns;
      if ((long) (rows + 1) * featureSize > Integer.MAX_VALUE - 8) {
        throw error(lineNumber, "the table passes 2^31 values, more than one array holds");
      }
      if ((rows + 1) * featureSize > features.length) {
        features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * features.length
            + featureSize));
      }
      if (regression && (rows + 1) * labelIndices.length > targets.length) {
        targets = Arrays.copyOf(targets, Math.max(2 * targets.length, (rows + 1) * labelIndices.length));
      } else if (!regression && rows == labels.length) {
        labels = Arrays.copyOf(labels, 2 * rows);
      }
      if (text == null) {
        text = kinds(cells, lineNumber);
      }
      int at = rows * featureSize;
      for (int c = 0; c < cells.size(); c++) {
        if (skip[c]) {
          continue;
        }
        if (undecided[c]) {
          decide(c, cells.text(c), lineNumber);
        }
        if (text[c] != null) {
          features[at++] = categoryOf(cells.text(c), c, lineNumber); // its id until result() one-hot encodes it
          continue;
        }
        float v = cells.value(c);
        if (!Float.isFinite(v)) {
          if (!keepMissing || !CsvLine.isMissing(cells.text(c))) {
            throw badCell(cells, c, lineNumber);
          }
          v = Float.NaN;
        }
        features[at++] = v;
      }
      if (regression) {
        for (int l = 0; l < labelIndices.length; l++) {
          targets[rows * labelIndices.length + l] = targetOf(cells, labelIndices[l], lineNumber);
        }
        rows++;
      } else {
        labels[rows++] = classOf(cells.text(labelIndices[0]), lineNumber);
      }
    }

    private float targetOf(CsvLine cells, int c, int lineNumber) {
      if (kind == LabelKind.PRESENCE) {
        return presenceOf(cells.text(c), c, lineNumber);
      }
      float v = cells.value(c);
      if (Float.isFinite(v)) {
        return v;
      }
      String cell = cells.text(c);
      String target = "the target ('" + columns.get(c) + "')";
      throw error(lineNumber, cell.isEmpty() ? target + " is empty"
          : target + " is " + (CsvLine.number(cell) != null ? cell + ", not a finite number"
              : "'" + cell + "', not a number"));
    }

    /** What one label column is called in an error. */
    private String aLabel() {
      return kind == LabelKind.VALUES ? "a target" : kind == LabelKind.PRESENCE ? "a label" : "the label";
    }

    /** A multi-label table's cell: 1 or true (present), 0 or false (absent), as pandas writes booleans or numbers. */
    private float presenceOf(String cell, int c, int lineNumber) {
      String v = cell.strip();
      if (v.equals("1") || v.equalsIgnoreCase("true") || v.equals("1.0")) {
        return 1;
      }
      if (v.equals("0") || v.equalsIgnoreCase("false") || v.equals("0.0")) {
        return 0;
      }
      String label = "the label ('" + columns.get(c) + "')";
      throw error(lineNumber, (v.isEmpty() ? label + " is empty" : label + " is '" + cell + "'")
          + ": a multi-label table marks a label present with 1 (or true) and absent with 0 (or false)");
    }

    /**
     * Which columns hold categories: those fixed so, and those whose cell in the first row of data is text. Where
     * missing cells are kept, a column whose first cell is missing waits for its first present one ({@link #decide}).
     */
    private Categories[] kinds(CsvLine first, int lineNumber) {
      Categories[] kinds = new Categories[columns.size()];
      undecided = new boolean[columns.size()];
      for (int c = 0; c < kinds.length; c++) {
        if (skip[c]) {
          continue;
        }
        List<String> fixed = fixedCategories.get(columns.get(c));
        String cell = first.text(c);
        if (fixed != null || !isNumber(cell) && !CsvLine.isMissing(cell)) {
          if (fixed == null) {
            refuseDecimalComma(c, cell, lineNumber);
          }
          kinds[c] = new Categories(fixed);
        } else {
          undecided[c] = keepMissing && CsvLine.isMissing(cell);
        }
      }
      return kinds;
    }

    /** Column c's kind, by {@code cell} where it is present: text makes it a column of categories. */
    private void decide(int c, String cell, int lineNumber) {
      if (!CsvLine.isMissing(cell)) {
        undecided[c] = false;
        if (!isNumber(cell)) {
          refuseDecimalComma(c, cell, lineNumber);
          text[c] = new Categories(null);
        }
      }
    }

    private float categoryOf(String cell, int c, int lineNumber) {
      String where = "column '" + columns.get(c) + "'";
      if (CsvLine.isMissing(cell)) {
        if (keepMissing) {
          return Float.NaN;
        }
        throw error(lineNumber, where + " is " + (cell.isEmpty() ? "empty" : "'" + cell + "'") + ": " + NOT_FILLED);
      }
      int id = text[c].id(cell);
      if (id < 0) {
        throw error(lineNumber, where + " is '" + cell + "', not one of its categories (" + listed(text[c].values())
            + ")");
      }
      return id;
    }

    /**
     * A column whose first value is a number written with a decimal comma, in a file not delimited by commas (a
     * spreadsheet's, in a language that writes 1,5), would otherwise be taken for a column of categories.
     */
    private void refuseDecimalComma(int c, String cell, int lineNumber) {
      if (cells.delimiter() != ',' && isNumber(cell.replace(',', '.'))) {
        throw error(lineNumber, "column '" + columns.get(c) + "' is '" + cell + "': " + DECIMAL_COMMA);
      }
    }

    private InvalidFileException badCell(CsvLine cells, int c, int lineNumber) {
      String where = "column '" + columns.get(c) + "'";
      String cell = cells.text(c);
      if (CsvLine.isMissing(cell) && CsvLine.number(cell) == null) {
        return error(lineNumber, where + " is " + (cell.isEmpty() ? "empty" : "'" + cell + "'") + ": " + NOT_FILLED);
      }
      if (CsvLine.number(cell) != null) {
        return error(lineNumber, where + " is " + cell + ", not a finite number");
      }
      if (cells.delimiter() != ',' && CsvLine.number(cell.replace(',', '.')) != null) {
        return error(lineNumber, where + " is '" + cell + "': " + DECIMAL_COMMA);
      }
      return error(lineNumber, where + " is '" + cell + "', not a number (its first row holds a number; a column of "
          + "categories holds text from its first row"
          + (labelSpecs == null ? "; the label is taken from the last column, '" + columns.get(labelIndices[0]) + "'"
              : "")
          + ")");
    }

    private int classOf(String label, int lineNumber) {
      if (label.isEmpty()) {
        throw error(lineNumber, "the label ('" + columns.get(labelIndices[0]) + "') is empty (a row without its label "
            + "cannot be trained or scored on: drop it)");
      }
      int id = classes.id(label);
      if (id < 0) {
        throw error(lineNumber, "label '" + label + "' is not one of the classes " + listed(classes.values()));
      }
      return id;
    }

    private CsvDataset result() {
      OneHot encoded = oneHot();
      List<String> label = Arrays.stream(labelIndices).mapToObj(columns::get).toList();
      if (regression) {
        LabeledData data = LabeledData.regression(encoded.features(),
            Arrays.copyOf(targets, rows * labelIndices.length), encoded.names().size(), labelIndices.length);
        return new CsvDataset(data, encoded.names(), label, List.of(), encoded.categories());
      }
      int[] y = Arrays.copyOf(labels, rows);
      List<String> names = checkedClasses();
      int[] renumbered = classes.renumbering(names);
      for (int i = 0; i < rows; i++) {
        y[i] = renumbered[y[i]];
      }
      LabeledData data = new LabeledData(encoded.features(), y, encoded.names().size(), names.size());
      return new CsvDataset(data, encoded.names(), label, names, encoded.categories());
    }

    /** The features with each column of categories as one 0/1 feature a category, their names and categories. */
    private record OneHot(float[] features, List<String> names, Map<String, List<String>> categories) {}

    private OneHot oneHot() {
      for (int c = 0; c < columns.size(); c++) {
        if (undecided[c]) {
          throw new InvalidFileException(file, "column '" + columns.get(c) + "' is missing in every row: nothing to "
              + "learn from or fill it with (drop the column)");
        }
      }
      int read = featureColumns;
      List<String> names = new ArrayList<>();
      Map<String, List<String>> categories = new LinkedHashMap<>();
      int[][] renumbered = new int[columns.size()][]; // a column of categories: each id's feature
      for (int c = 0; c < columns.size(); c++) {
        String column = columns.get(c);
        if (skip[c]) {
          continue;
        }
        if (text[c] == null) {
          names.add(column);
          continue;
        }
        List<String> order = checkedCategories(c);
        categories.put(column, order);
        renumbered[c] = text[c].renumbering(order);
        order.forEach(v -> names.add(column + "_" + v));
      }
      if (categories.isEmpty()) {
        return new OneHot(Arrays.copyOf(features, rows * read), names, categories);
      }
      if (names.stream().distinct().count() < names.size()) {
        String twice = names.stream().filter(n -> names.indexOf(n) != names.lastIndexOf(n)).findFirst().orElseThrow();
        throw new InvalidFileException(file, "two features are named '" + twice + "' (a column of categories names "
            + "its features column_category): rename the column");
      }
      int width = names.size();
      if ((long) rows * width > Integer.MAX_VALUE - 8) {
        throw new InvalidFileException(file, rows + " rows of " + width + " features (the categories one-hot "
            + "encoded) pass 2^31 values, more than one array holds");
      }
      float[] x = new float[rows * width];
      for (int row = 0; row < rows; row++) {
        int from = row * read;
        int to = row * width;
        for (int c = 0; c < columns.size(); c++) {
          if (skip[c]) {
            continue;
          }
          float v = features[from++];
          if (renumbered[c] == null) {
            x[to++] = v;
          } else if (Float.isNaN(v)) { // missing: each of its features, for an imputer to fill together
            Arrays.fill(x, to, to + renumbered[c].length, Float.NaN);
            to += renumbered[c].length;
          } else {
            x[to + renumbered[c][(int) v]] = 1;
            to += renumbered[c].length;
          }
        }
      }
      return new OneHot(x, names, categories);
    }

    /** Column c's categories in their features' order, checked to be categories (not an identifier, not too many). */
    private List<String> checkedCategories(int c) {
      Categories found = text[c];
      int n = found.values().size();
      String column = "column '" + columns.get(c) + "'";
      if (!found.fixed() && n == rows && rows >= DISTINCT_LABELS_SUSPECT) {
        throw new InvalidFileException(file, column + " has a different text in each of its " + rows + " rows: an "
            + "identifier or free text, not categories (drop the column)");
      }
      if (n > MAX_CATEGORIES) {
        throw new InvalidFileException(file, column + " has " + n + " different texts, more categories than are "
            + "one-hot encoded (" + MAX_CATEGORIES + "): drop it or encode it as numbers");
      }
      return found.ordered();
    }

    /** The labels found, checked to be classes, in order: numeric order for integers, text order otherwise. */
    private List<String> checkedClasses() {
      if (classes.fixed()) {
        return classes.values();
      }
      String column = "label column '" + columns.get(labelIndices[0]) + "'" + (labelSpecs == null ? " (the last; none "
          + "was named)" : "");
      List<String> found = classes.values();
      if (found.size() < 2) {
        throw new InvalidFileException(file, column + " holds one class only ('" + found.get(0)
            + "'): nothing to classify");
      }
      if (found.size() == rows && rows >= DISTINCT_LABELS_SUSPECT) {
        throw new InvalidFileException(file, column + " has a different value in each of its " + rows + " rows: an "
            + "identifier or a continuous target, not classes (name the label column, or read it as a regression "
            + "target)");
      }
      if (!found.stream().allMatch(Categories::isInteger) && found.stream().allMatch(Reading::isNumber)) {
        String example = found.stream().filter(v -> !Categories.isInteger(v)).findFirst().orElseThrow();
        throw new InvalidFileException(file, column + " holds non-integer numbers ('" + example + "'): a continuous "
            + "target, not classes (read it as a regression target)");
      }
      return classes.ordered();
    }

    private InvalidFileException error(int lineNumber, String what) {
      return new InvalidFileException(file, "line " + lineNumber + ", " + what);
    }

    private static Integer parseIndex(String spec) {
      try {
        return Integer.valueOf(spec.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static boolean isNumber(String cell) {
      return CsvLine.number(cell) != null;
    }

    /** The first five names and how many in all. */
    private static String listed(List<String> names) {
      String head = String.join(", ", names.subList(0, Math.min(5, names.size())));
      return names.size() <= 5 ? head : head + ", … (" + names.size() + ")";
    }
  }
}
