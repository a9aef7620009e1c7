package io.jgrad.data;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.NpyArray;
import io.jgrad.io.NpzArchive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Examples held in NumPy arrays, as a Python pipeline saves them ({@code np.savez("train.npz", x=x, y=y)}, Keras'
 * {@code mnist.npz}): an input array {@code x} of one example a row and a label array {@code y} of as many rows, read
 * as PyTorch's {@code TensorDataset(torch.from_numpy(x), torch.from_numpy(y))} would hold them.
 *
 * <p>An {@code x} of shape (N, F) is a table of F features, taken as they are. One of shape (N, H, W) is N grey images,
 * and one of (N, H, W, C) with C 1 or 3 is N images with their channels last (NumPy's, PIL's and Keras' layout), or,
 * where only its second dimension is 1 or 3, (N, C, H, W) with their channels first (PyTorch's); images are read as
 * pixels in [0, 1], channels first, as image files are: uint8 values divided by 255, float values as they are (and
 * refused outside [0, 1]). A non-finite input is refused with its row.
 *
 * <p>The labels {@code y} are classes ({@link #classes}: integers, booleans, whole floats or text, of shape (N,) or
 * Keras' (N, 1)), a regression's targets ({@link #regression}: (N,) or (N, T) numbers), or a multi-label table's 0/1
 * presences ({@link #multiLabel}: (N, L)).
 *
 * @param data the examples, features channels first for images
 * @param classNames class i's label as the array holds it (an integer's decimal text): those found, in numeric order
 *     where the labels are numbers and in text order where they are text, or the classes fixed by the caller; for a
 *     regression the targets' names ({@code y}, or {@code y0}, {@code y1}, …), for a multi-label table the labels'
 *     ({@code 0}, {@code 1}, …: their columns in {@code y})
 * @param inputShape one example's shape: [channels, height, width] for images, [features] for a table
 */
public record NumpyDataset(LabeledData data, List<String> classNames, int[] inputShape) {
  public NumpyDataset {
    classNames = List.copyOf(classNames);
    inputShape = inputShape.clone();
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  /**
   * The names of an archive's input and label arrays.
   *
   * @param x the inputs' key
   * @param y the labels' key
   */
  public record Keys(String x, String y) {
    /** Keras' training arrays ({@code keras.datasets.mnist}'s mnist.npz). */
    public static final Keys KERAS_TRAIN = new Keys("x_train", "y_train");
    /** Keras' test arrays. */
    public static final Keys KERAS_TEST = new Keys("x_test", "y_test");
    /** {@code np.savez(f, x=x, y=y)}. */
    public static final Keys PLAIN = new Keys("x", "y");
    /** scikit-learn's names, {@code np.savez(f, X=X, y=y)}. */
    public static final Keys SKLEARN = new Keys("X", "y");
    /** scikit-learn's names after {@code X_train, X_test, y_train, y_test = train_test_split(X, y)}. */
    public static final Keys SKLEARN_TRAIN = new Keys("X_train", "y_train");
    /** Their test arrays. */
    public static final Keys SKLEARN_TEST = new Keys("X_test", "y_test");

    /** Whether {@code archive} holds both arrays. */
    public boolean in(NpzArchive archive) {
      return archive.has(x) && archive.has(y);
    }
  }

  /** The arrays an archive trains on: Keras' x_train and y_train (or X_train, y_train), else x and y (or X and y). */
  public static Keys trainingKeys(NpzArchive archive) {
    return firstOf(archive, Keys.KERAS_TRAIN, Keys.SKLEARN_TRAIN, Keys.PLAIN, Keys.SKLEARN);
  }

  /** Whether an archive holds its own test part beside its training arrays: x_test and y_test (or X_test, y_test). */
  public static boolean holdsTestPart(NpzArchive archive) {
    return Keys.KERAS_TEST.in(archive) || Keys.SKLEARN_TEST.in(archive);
  }

  /**
   * The arrays an archive is evaluated on, or tests a training run: Keras' x_test and y_test (or X_test and y_test),
   * else x and y (or X and y).
   */
  public static Keys testKeys(NpzArchive archive) {
    return firstOf(archive, Keys.KERAS_TEST, Keys.SKLEARN_TEST, Keys.PLAIN, Keys.SKLEARN);
  }

  /** The inputs of an archive to predict on: x (or X), else x_test (or X_test), else its one array. */
  public static String inputKey(NpzArchive archive) {
    for (String key : List.of("x", "X", "x_test", "X_test")) {
      if (archive.has(key)) {
        return key;
      }
    }
    if (archive.keys().size() == 1) {
      return archive.keys().get(0);
    }
    throw new InvalidFileException(archive.file().toString(), "holds the arrays " + String.join(", ", archive.keys())
        + ": expected the inputs as x (np.savez(f, x=x)) or x_test, or one array alone");
  }

  private static Keys firstOf(NpzArchive archive, Keys... choices) {
    for (Keys keys : choices) {
      if (keys.in(archive)) {
        return keys;
      }
    }
    throw new InvalidFileException(archive.file().toString(), "holds the arrays " + String.join(", ", archive.keys())
        + ": expected the inputs and labels as x and y (np.savez(f, x=x, y=y)), or as Keras' x_train, y_train, x_test "
        + "and y_test (or train_test_split's X_train, y_train, X_test and y_test)");
  }

  /**
   * One example's shape, channels first, as an input array of this header holds it: [F] for (N, F), [C, H, W] for
   * images.
   *
   * @param source the array, for messages ({@code train.npz:x})
   */
  public static int[] exampleShape(NpyArray.Header x, String source) {
    int[] s = x.shape();
    if (x.kind() == NpyArray.Kind.TEXT) {
      throw new InvalidFileException(source, "holds text ('" + x.descr() + "'): inputs are numbers (one-hot encode a "
          + "column of text first, or train on the CSV table)");
    }
    return switch (s.length) {
      case 2 -> new int[] {s[1]};
      case 3 -> new int[] {1, s[1], s[2]};
      case 4 -> channelsLast(s) ? new int[] {s[3], s[1], s[2]}
          : channelsFirst(s) ? new int[] {s[1], s[2], s[3]}
          : throwShape(source, x, "images of 1 or 3 channels, (N, H, W, C) with their channels last or (N, C, H, W) "
              + "with them first");
      default -> throwShape(source, x, s.length < 2 ? "one example a row: (N, F) features (reshape one feature to (N, "
          + "1)), or (N, H, W) images" : "one example a row: (N, F) features, or images of 3 or 4 dimensions");
    };
  }

  /** Whether an input array of this header holds images (3 or 4 dimensions) rather than a table. */
  public static boolean isImages(NpyArray.Header x) {
    return x.shape().length >= 3;
  }

  private static boolean channelsLast(int[] s) {
    return s[3] == 1 || s[3] == 3;
  }

  private static boolean channelsFirst(int[] s) {
    return s[1] == 1 || s[1] == 3;
  }

  private static int[] throwShape(String source, NpyArray.Header x, String expected) {
    throw new InvalidFileException(source, "shape " + x.shapeText() + ": expected " + expected);
  }

  /**
   * The examples of {@code x} as a model takes them: a table's values as they are, images as pixels in [0, 1] with
   * their channels first ({@link #exampleShape}).
   */
  public static float[] features(NpyArray x) {
    NpyArray.Header h = x.header();
    int[] shape = exampleShape(h, x.source());
    boolean images = isImages(h);
    boolean bytes = h.kind() == NpyArray.Kind.UNSIGNED && h.itemSize() == 1;
    if (images && !bytes && h.kind() != NpyArray.Kind.FLOAT) {
      throw new InvalidFileException(x.source(), "images of '" + h.descr() + "': expected uint8 pixels (0-255) or "
          + "floats in [0, 1]");
    }
    float[] values = x.floats();
    if (bytes) { // 0–255 by their type: nothing to check
      if (images) {
        for (int i = 0; i < values.length; i++) {
          values[i] /= 255f;
        }
      }
    } else {
      int perExample = Arrays.stream(shape).reduce(1, Math::multiplyExact);
      for (int i = 0; i < values.length; i++) {
        float v = values[i];
        if (!Float.isFinite(v)) {
          throw new InvalidFileException(x.source(), "row " + i / perExample + " holds " + v + ": fill or drop "
              + "missing values first");
        }
        if (images && (v < 0 || v > 1)) {
          throw new InvalidFileException(x.source(), "row " + i / perExample + " holds the pixel " + v + ": float "
              + "images are read as pixels in [0, 1], as image files are (divide by 255, or save them as uint8)");
        }
      }
    }
    int[] s = h.shape();
    return s.length == 4 && channelsLast(s) && s[3] > 1 ? channelsFirst(values, s[0], s[1] * s[2], s[3]) : values;
  }

  /** [N, P, C] values as [N, C, P]. */
  private static float[] channelsFirst(float[] values, int n, int pixels, int channels) {
    float[] out = new float[values.length];
    for (int e = 0; e < n; e++) {
      int base = e * pixels * channels;
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < channels; c++) {
          out[base + c * pixels + p] = values[base + p * channels + c];
        }
      }
    }
    return out;
  }

  /**
   * Examples of classes: {@code y} of shape (N,) or (N, 1), each label an integer, a boolean, a whole float or text.
   *
   * @param classNames the classes, class i's label as the array holds it, or null for those {@code y} holds; a label
   *     that is not one of them is refused
   */
  public static NumpyDataset classes(NpyArray x, NpyArray y, List<String> classNames) {
    return classes(x, y, null, classNames);
  }

  /**
   * {@link #classes(NpyArray, NpyArray, List)} of integer labels that index {@code names}, the classes' names saved
   * beside them ({@link #namesKey}): class i is {@code names[i]}, in that order, whether or not y holds it. Null
   * {@code names}: the labels as they are.
   */
  public static NumpyDataset classes(NpyArray x, NpyArray y, NpyArray names, List<String> classNames) {
    int n = rows(x, y);
    int[] s = y.shape();
    if (!(s.length == 1 || s.length == 2 && s[1] == 1)) {
      throw new InvalidFileException(y.source(), "labels of shape " + y.header().shapeText() + ": expected one class a "
          + "row, (" + n + ",) or (" + n + ", 1)");
    }
    String[] labels = new String[n];
    boolean text = y.kind() == NpyArray.Kind.TEXT;
    List<String> named = names == null ? null : names(names);
    if (named != null && text) {
      throw new InvalidFileException(names.source(), "names classes by their indices, but " + y.source() + " holds "
          + "text: leave the names out, or save the labels as integers");
    }
    for (int i = 0; i < n; i++) {
      if (text) {
        labels[i] = y.text(i);
        continue;
      }
      double v = y.value(i);
      if (v != Math.rint(v) || Math.abs(v) > 1L << 53) {
        throw new InvalidFileException(y.source(), "row " + i + " holds the label " + v + ": expected classes as "
            + "integers or text (a float label is a regression's target: --task regression)");
      }
      if (named != null && (v < 0 || v >= named.size())) {
        throw new InvalidFileException(y.source(), "row " + i + " holds the label " + (long) v + ", but "
            + names.source() + " names " + named.size() + " classes, 0 to " + (named.size() - 1));
      }
      labels[i] = named != null ? named.get((int) v) : Long.toString((long) v);
    }
    List<String> classes = classNames != null ? classNames : named != null ? named : found(labels, text);
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      index.put(classes.get(c), c);
    }
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      Integer c = index.get(labels[i]);
      if (c == null) {
        throw new InvalidFileException(y.source(), "row " + i + " holds the class '" + labels[i] + "', not one of the "
            + classes.size() + " the training labels hold");
      }
      indices[i] = c;
    }
    int[] shape = exampleShape(x.header(), x.source());
    float[] features = features(x);
    return new NumpyDataset(new LabeledData(features, indices, features.length / Math.max(n, 1), classes.size(),
        shape), classes, shape);
  }

  /** The key of an archive's class names, {@code class_names} or scikit-learn's {@code target_names}; null if none. */
  public static String namesKey(NpzArchive archive) {
    return archive.has("class_names") ? "class_names" : archive.has("target_names") ? "target_names" : null;
  }

  /** A 1-D text array of distinct names. */
  private static List<String> names(NpyArray names) {
    if (names.kind() != NpyArray.Kind.TEXT || names.shape().length != 1) {
      throw new InvalidFileException(names.source(), "'" + names.header().descr() + "' of shape "
          + names.header().shapeText() + ": expected the classes' names as one row of text");
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.text(i);
      if (list.contains(name)) {
        throw new InvalidFileException(names.source(), "names the class '" + name + "' twice");
      }
      list.add(name);
    }
    return list;
  }

  /** The distinct labels: numbers in numeric order, text in text order. */
  private static List<String> found(String[] labels, boolean text) {
    if (text) {
      return List.copyOf(new TreeSet<>(Arrays.asList(labels)));
    }
    return Arrays.stream(labels).mapToLong(Long::parseLong).distinct().sorted().mapToObj(Long::toString).toList();
  }

  /** Regression targets: {@code y} of shape (N,) (one target, named {@code y}) or (N, T) (named y0 … y(T-1)). */
  public static NumpyDataset regression(NpyArray x, NpyArray y) {
    int targets = targetColumns(x, y, "targets", "(N,) or (N, T)");
    List<String> names = targets == 1 && y.shape().length == 1 ? List.of("y")
        : IntStream.range(0, targets).mapToObj(t -> "y" + t).toList();
    float[] values = numbers(y, targets, "a target");
    return tableOf(x, values, targets, names);
  }

  /**
   * Several labels a row: {@code y} of shape (N, L), each cell 1 (or true) where label l applies and 0 where it does
   * not, as scikit-learn's indicator matrix; the labels are named by their columns, 0 … L-1.
   */
  public static NumpyDataset multiLabel(NpyArray x, NpyArray y) {
    if (y.shape().length != 2) {
      throw new InvalidFileException(y.source(), "labels of shape " + y.header().shapeText() + ": expected an "
          + "indicator matrix (N, L), a 0/1 column a label");
    }
    int labels = targetColumns(x, y, "labels", "(N, L)");
    float[] values = numbers(y, labels, "a label's presence");
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0 && values[i] != 1) {
        throw new InvalidFileException(y.source(), "row " + i / labels + " holds " + values[i] + " for label "
            + i % labels + ": expected 1 (present) or 0 (absent)");
      }
    }
    return tableOf(x, values, labels, IntStream.range(0, labels).mapToObj(Integer::toString).toList());
  }

  private static NumpyDataset tableOf(NpyArray x, float[] targets, int columns, List<String> names) {
    int[] shape = exampleShape(x.header(), x.source());
    if (isImages(x.header())) {
      throw new InvalidFileException(x.source(), "images " + x.header().shapeText() + ": a regression or several "
          + "labels a row are fitted to a table, (N, F)");
    }
    return new NumpyDataset(LabeledData.regression(features(x), targets, shape[0], columns), names, shape);
  }

  /** The columns of a target array (N,) or (N, T) for {@code x}'s N rows. */
  private static int targetColumns(NpyArray x, NpyArray y, String what, String expected) {
    int n = rows(x, y);
    int[] s = y.shape();
    if (s.length < 1 || s.length > 2 || s.length == 2 && s[1] < 1) {
      throw new InvalidFileException(y.source(), what + " of shape " + y.header().shapeText() + ": expected "
          + expected.replace("N", Integer.toString(n)));
    }
    return s.length == 1 ? 1 : s[1];
  }

  private static float[] numbers(NpyArray y, int columns, String what) {
    if (y.kind() == NpyArray.Kind.TEXT) {
      throw new InvalidFileException(y.source(), "holds text ('" + y.header().descr() + "'): expected numbers, "
          + what + " a cell");
    }
    float[] values = y.floats();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidFileException(y.source(), "row " + i / columns + " holds " + values[i] + ": expected " + what
            + " (a finite number)");
      }
    }
    return values;
  }

  /** The examples {@code x} and {@code y} both hold: their first dimension, which must agree. */
  private static int rows(NpyArray x, NpyArray y) {
    int[] xs = x.shape();
    int[] ys = y.shape();
    if (ys.length == 0 || xs.length == 0 || xs[0] != ys[0]) {
      throw new InvalidFileException(y.source(), "shape " + y.header().shapeText() + " for the inputs' "
          + x.header().shapeText() + ": expected a label row an input row, " + (xs.length == 0 ? "?" : xs[0]));
    }
    return xs[0];
  }
}
