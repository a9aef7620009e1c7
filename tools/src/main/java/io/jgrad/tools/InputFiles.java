package io.jgrad.tools;

import io.jgrad.data.CsvDataset;
import io.jgrad.data.CsvLine;
import io.jgrad.data.IdxImages;
import io.jgrad.data.IdxReader;
import io.jgrad.data.NumpyDataset;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.IoErrors;
import io.jgrad.io.NpyArray;
import io.jgrad.io.NpzArchive;
import io.jgrad.io.RegularFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Examples to predict on, read from files in the units a model's training data had (pixels in [0, 1], channel planes
 * first): images (PNG, JPEG or any format javax.imageio reads), scaled to the model's height and width and turned grey
 * for one channel; IDX image files (MNIST's format, raw or gzip), one example per image; CSV files ({@code .csv}, or
 * {@code .tsv}; cells delimited as the first line's are, {@link CsvLine#sniff}), one example per row of numbers (a
 * first row that is not numbers is a header and skipped); NumPy arrays ({@code .npy}, or an {@code .npz} archive's
 * inputs), one example a row; folders, for the images in them.
 */
public final class InputFiles {
  private static final List<String> IMAGE_SUFFIXES = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");

  private InputFiles() {}

  /**
   * @param names one per example: the image file, or the CSV or IDX file with "#i", the example's 0-based index in it
   * @param features examples × the model's features
   */
  public record Examples(List<String> names, float[] features) {}

  /**
   * What a CSV file's values may be. Images and IDX files are read as pixels in [0, 1] whatever this says; a CSV file's
   * values are taken as they are, so a model trained on such pixels needs them in the same units.
   */
  public enum CsvUnits {
    /** Any finite number: a model trained on other data (tabular, or standardised already). */
    ANY,
    /** Pixels in [0, 1], as images are read: a value outside (0–255 values not divided by 255, say) is an error. */
    PIXELS
  }

  /** Reads every file, in order, as examples of {@code inputShape} ({@code [channels, height, width]} or flat). */
  public static Examples read(List<Path> files, int[] inputShape) {
    return read(files, inputShape, CsvUnits.ANY);
  }

  /**
   * The columns of a model trained on a table ({@link io.jgrad.data.CsvDataset}): a CSV file with a header is read by
   * the header's names, in the model's order, other columns left out; in a file without one, a row as many values
   * longer than the input as there are label columns holds the labels too, and those cells are left out.
   *
   * @param features the input's columns by name, in order ({@link ModelFile#featureNames}); column indices, or none,
   *     where the table had no header
   * @param labels the table's label column (a regression model's target columns): each a header name, or a 0-based
   *     index (negative from the end); none where rows hold the features alone
   * @param categories the table's columns of text, each one-hot encoded into the features {@code column_category}
   *     ({@link ModelFile#categories}); a file for such a model needs a header
   * @param fill each feature's value where its cell is missing ({@link ModelFile#fill}; {@link CsvLine#isMissing}),
   *     or empty: a missing cell is then refused
   */
  public record TableColumns(List<String> features, List<String> labels, Map<String, List<String>> categories,
      float[] fill) {
    public TableColumns {
      features = List.copyOf(features);
      labels = List.copyOf(labels);
      categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories)); // in the model's column order
      fill = fill.clone();
    }

    /** A table's columns without text columns. */
    public TableColumns(List<String> features, List<String> labels) {
      this(features, labels, Map.of(), new float[0]);
    }

    /** The columns of the table {@code model} was trained on, read with {@code labels} as its label columns. */
    public static TableColumns of(ModelFile model, List<String> labels) {
      return new TableColumns(model.featureNames(), labels, model.categories(), model.fill());
    }

    @Override
    public float[] fill() {
      return fill.clone();
    }

    boolean named() {
      return !features.isEmpty() && !CsvDataset.namedByIndex(features);
    }

    /** For each feature, the column of text and the category it is the one-hot feature of; null for a number's. */
    String[][] oneHot() {
      Map<String, String[]> byName = new HashMap<>();
      categories.forEach((column, values) -> values.forEach(v -> byName.put(column + "_" + v, new String[] {column,
          v})));
      return features.stream().map(byName::get).toArray(String[][]::new);
    }
  }

  /** {@link #read(List, int[])}, a CSV file's values checked as {@code units} says. */
  public static Examples read(List<Path> files, int[] inputShape, CsvUnits units) {
    return read(files, inputShape, units, null);
  }

  /** {@link #read(List, int[], CsvUnits)} for a model of a table with these columns (null: not a table's model). */
  public static Examples read(List<Path> files, int[] inputShape, CsvUnits units, TableColumns table) {
    int features = Arrays.stream(inputShape).reduce(1, Math::multiplyExact);
    List<String> names = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (Path file : withFoldersOpened(files)) {
      RegularFiles.require(file); // a missing file says so; a FIFO would block the read
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      boolean isImage = isImageName(file);
      List<float[]> read = isImage ? List.of(image(file, inputShape))
          : name.endsWith(".csv") || name.endsWith(".tsv") ? csv(file, features, units, table)
          : name.endsWith(".npy") || name.endsWith(".npz") ? array(file, name.endsWith(".npz"), inputShape, table)
          : idx(file, inputShape);
      for (int i = 0; i < read.size(); i++) {
        names.add(isImage ? file.toString() : file + "#" + i);
      }
      rows.addAll(read);
    }
    float[] x = new float[rows.size() * features];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, i * features, features);
    }
    return new Examples(names, x);
  }

  /** The files, each folder among them replaced by the images in it at any depth, as {@link ImageFolder} finds them. */
  private static List<Path> withFoldersOpened(List<Path> files) {
    List<Path> opened = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isDirectory(file)) {
        opened.add(file);
        continue;
      }
      List<Path> images = ImageFolder.images(file);
      if (images.isEmpty()) {
        throw new InvalidFileException(file.toString(), "no images (PNG, JPEG, GIF or BMP) in this folder");
      }
      opened.addAll(images);
    }
    return opened;
  }

  /** Whether the file's name ends in a suffix of an image format javax.imageio reads, in any case. */
  static boolean isImageName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /** An image scaled (bilinear) to the model's width and height, over black where it is transparent. */
  static float[] image(Path file, int[] shape) {
    checkImageInput(file.toString(), shape);
    return unit(ImageBytes.planes(file, shape[shape.length - 2], shape[shape.length - 1]), shape);
  }

  /** {@link #image(Path, int[])} of an image file's bytes (a request's body), {@code name} naming it in an error. */
  static float[] image(String name, byte[] bytes, int[] shape) {
    checkImageInput(name, shape);
    return unit(ImageBytes.planes(name, bytes, shape[shape.length - 2], shape[shape.length - 1]), shape);
  }

  private static void checkImageInput(String name, int[] shape) {
    int channels = shape.length == 3 ? shape[0] : 1;
    if (shape.length < 2 || shape.length > 3 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(name + ": the model's input " + Arrays.toString(shape)
          + " is not a grey or RGB image, so it cannot read images");
    }
  }

  private static float[] unit(ImageBytes.Planes planes, int[] shape) {
    int channels = shape.length == 3 ? shape[0] : 1;
    float[] x = new float[channels * planes.height() * planes.width()];
    planes.unit(channels, x, 0);
    return x;
  }

  private static List<float[]> idx(Path file, int[] shape) {
    IdxImages images = IdxReader.readImages(file);
    int features = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (images.rows() * images.cols() != features) {
      throw new InvalidFileException(file.toString(), "images of " + images.rows() + "×" + images.cols()
          + " pixels, but the model reads " + Arrays.toString(shape));
    }
    float[] all = images.scaledToUnit();
    List<float[]> rows = new ArrayList<>(images.count());
    for (int i = 0; i < images.count(); i++) {
      rows.add(Arrays.copyOfRange(all, i * features, (i + 1) * features));
    }
    return rows;
  }

  /**
   * The rows of a NumPy array ({@code .npy}, or an {@code .npz} archive's {@link NumpyDataset#inputKey}), read as
   * {@link NumpyDataset#features} reads training inputs: of the model's own example shape, a table's columns in the
   * model's order (a table's columns of text, found by a header's names, are a CSV file's), images as pixels in [0, 1].
   */
  private static List<float[]> array(Path file, boolean archive, int[] shape, TableColumns table) {
    NpyArray x;
    if (archive) {
      NpzArchive npz = NpzArchive.open(file);
      x = npz.array(NumpyDataset.inputKey(npz));
    } else {
      x = NpyArray.read(file);
    }
    if (table != null && !table.categories().isEmpty()) {
      throw new InvalidFileException(x.source(), "the model one-hot encodes the columns " + String.join(", ",
          table.categories().keySet()) + ", which are read by a CSV file's header names: predict on the CSV rows");
    }
    int[] rows = x.shape();
    int[] example = NumpyDataset.exampleShape(x.header(), x.source());
    if (!Arrays.equals(example, shape)) {
      throw new InvalidFileException(x.source(), "shape " + x.header().shapeText() + ", examples of "
          + Arrays.toString(example) + ", but the model reads " + Arrays.toString(shape) + " (" + (shape.length == 1
          ? "a table: (N, " + shape[0] + ")" : "images: (N, H, W), (N, H, W, C) or (N, C, H, W)") + ")");
    }
    float[] all = NumpyDataset.features(x);
    int features = all.length / Math.max(rows[0], 1);
    List<float[]> read = new ArrayList<>(rows[0]);
    for (int i = 0; i < rows[0]; i++) {
      read.add(Arrays.copyOfRange(all, i * features, (i + 1) * features));
    }
    if (read.isEmpty()) {
      throw new InvalidFileException(x.source(), "no examples (shape " + x.header().shapeText() + ")");
    }
    return read;
  }

  private static List<float[]> csv(Path file, int features, CsvUnits units, TableColumns table) {
    List<String> labelColumns = table == null ? List.of() : table.labels();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
    }
    List<float[]> rows = new ArrayList<>();
    List<String> header = List.of();
    int[] picks = null; // the model's columns in a header's order, where the model knows them by name
    String[][] oneHot = table == null ? null : table.oneHot();
    float[] fill = table == null ? new float[0] : table.fill;
    CsvLine split = null; // the first line's delimiter's
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      if (split == null) {
        split = new CsvLine(CsvLine.sniff(line));
      }
      if (!split.split(line)) {
        throw new InvalidFileException(file.toString(), "line " + (n + 1) + ", a quoted cell runs past the end of the "
            + "line (cells spanning lines are not read)");
      }
      List<String> cells = new ArrayList<>(split.texts());
      if (rows.isEmpty() && header.isEmpty() && isHeader(cells, table, features)) {
        header = cells;
        picks = table != null && table.named() ? columnsByName(file, header, table.features(), oneHot) : null;
        continue;
      }
      if (picks == null && table != null && !table.categories().isEmpty()) {
        throw new InvalidFileException(file.toString(), "line " + (n + 1) + " is a row without a header: the model "
            + "one-hot encodes the columns " + String.join(", ", table.categories().keySet()) + ", which are found "
            + "by the header's names");
      }
      if (picks != null) {
        if (cells.size() != header.size()) {
          throw new InvalidFileException(file.toString(), "line " + (n + 1) + " has " + cells.size() + " values, the "
              + "header " + header.size());
        }
        List<String> all = cells;
        cells = new ArrayList<>(Arrays.stream(picks).mapToObj(all::get).toList());
      } else if (!labelColumns.isEmpty() && cells.size() == features + labelColumns.size()) {
        int width = cells.size();
        List<String> named = header;
        int[] at = labelColumns.stream().mapToInt(label -> labelIndex(file, label, named, width)).sorted().toArray();
        for (int i = at.length - 1; i >= 0; i--) {
          cells.remove(at[i]);
        }
      }
      float[] row = new float[cells.size()];
      String labelHint = row.length > features && row.length <= features + Math.max(1, labelColumns.size())
          ? " (" + (labelColumns.size() > 1 ? "target columns" : "a label column") + "? give the features alone)" : "";
      for (int i = 0; i < row.length; i++) {
        if (table != null && CsvLine.isMissing(cells.get(i)) && row.length == features) {
          if (fill.length == 0) {
            throw new InvalidFileException(file.toString(), "line " + (n + 1) + ", "
                + (picks != null ? "column '" + column(table.features(), oneHot, i) + "'" : "value " + (i + 1))
                + " is missing, and the model has no value to fill in (it was trained without --impute)");
          }
          row[i] = fill[i]; // a one-hot feature's: its column's most frequent category's 0 or 1
          continue;
        }
        if (picks != null && oneHot[i] != null) {
          row[i] = category(file, n + 1, cells.get(i), oneHot[i], table) ? 1 : 0;
          continue;
        }
        Float v = CsvLine.number(cells.get(i));
        if (v == null) {
          throw new InvalidFileException(file.toString(), "line " + (n + 1) + ", value " + (i + 1) + " is '"
              + cells.get(i) + "', not a number" + labelHint);
        }
        row[i] = v;
      }
      if (row.length != features) {
        throw new InvalidFileException(file.toString(), "line " + (n + 1) + " has " + row.length
            + " values, the model reads " + features + labelHint);
      }
      for (int i = 0; i < row.length; i++) {
        boolean finite = Float.isFinite(row[i]);
        if (!finite || units == CsvUnits.PIXELS && (row[i] < 0 || row[i] > 1)) {
          throw new InvalidFileException(file.toString(), "line " + (n + 1) + ", value " + (i + 1) + " is " + row[i]
              + (finite ? ", outside the pixels in [0, 1] the model was trained on (divide 0–255 values by 255)"
              : ", not a finite number"));
        }
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new InvalidFileException(file.toString(), "no rows of numbers");
    }
    return rows;
  }

  /**
   * Whether a first row names the columns: it holds a label column's name, or a value that is not a number (a table's
   * label, text in a row of data, does not count; nor does a row of a table whose label is named and not in it).
   */
  private static boolean isHeader(List<String> cells, TableColumns table, int features) {
    if (table != null && table.named() && cells.containsAll(table.features())) {
      return true;
    }
    List<String> labelColumns = table == null ? List.of() : table.labels();
    boolean[] label = new boolean[cells.size()];
    if (!labelColumns.isEmpty() && cells.size() == features + labelColumns.size()) {
      for (String column : labelColumns) {
        int i;
        try {
          i = Integer.parseInt(column); // an index, whatever text a cell of data holds
        } catch (NumberFormatException e) {
          // A name: a header would hold it; a row of data without it has labels that cannot be found.
          return cells.contains(column);
        }
        int at = i < 0 ? cells.size() + i : i;
        if (at >= 0 && at < cells.size()) {
          label[at] = true;
        } // an index outside the row: every value counts
      }
    }
    for (int i = 0; i < cells.size(); i++) {
      if (!label[i] && CsvLine.number(cells.get(i)) == null) {
        return true;
      }
    }
    return false;
  }

  /** Where each of the model's columns is in {@code header}: a one-hot feature's, its column of text. */
  private static int[] columnsByName(Path file, List<String> header, List<String> names, String[][] oneHot) {
    int[] at = new int[names.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = header.indexOf(column(names, oneHot, i));
      if (at[i] < 0) {
        List<String> columns = new ArrayList<>();
        for (int j = 0; j < at.length; j++) {
          if (!columns.contains(column(names, oneHot, j))) {
            columns.add(column(names, oneHot, j));
          }
        }
        throw new InvalidFileException(file.toString(), "no column '" + column(names, oneHot, i) + "' (the model "
            + "reads " + String.join(", ", columns) + ")");
      }
    }
    return at;
  }

  /** The column feature i is read from: its own, or the column of text it is a category of. */
  private static String column(List<String> names, String[][] oneHot, int i) {
    return oneHot[i] != null ? oneHot[i][0] : names.get(i);
  }

  /**
   * Whether {@code cell}, in the column of text of {@code feature} ({column, category}), is that category; a text that
   * is none of the column's categories is refused.
   */
  private static boolean category(Path file, int line, String cell, String[] feature, TableColumns table) {
    List<String> known = table.categories().get(feature[0]);
    if (!known.contains(cell)) {
      throw new InvalidFileException(file.toString(), "line " + line + ", column '" + feature[0] + "' is '" + cell
          + "', not one of the categories the model was trained on (" + String.join(", ", known) + ")");
    }
    return cell.equals(feature[1]);
  }

  /** Where the label is in a row of {@code width} cells: by the header's names, or by index. */
  private static int labelIndex(Path file, String labelColumn, List<String> header, int width) {
    int named = header.indexOf(labelColumn);
    if (named >= 0) {
      return named;
    }
    try {
      int i = Integer.parseInt(labelColumn);
      if (i >= -width && i < width) {
        return i < 0 ? width + i : i;
      }
    } catch (NumberFormatException e) {
      // a name the header does not have
    }
    throw new InvalidFileException(file.toString(), "rows of " + width + " values hold the features and a label, "
        + "but the model's label column '" + labelColumn + "' is not " + (header.isEmpty() ? "in a header row"
        : "among " + String.join(", ", header)));
  }
}
