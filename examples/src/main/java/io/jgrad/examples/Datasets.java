package io.jgrad.examples;

import io.jgrad.data.CifarReader;
import io.jgrad.data.MnistDataset;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.datasets.Digits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** The data sets {@code jgrad train --dataset} knows, and where each is read from. */
enum Datasets {
  /** The bundled 8,000 + 2,000 MNIST digits: works on a fresh machine with no download. */
  DIGITS(1, 28, digits()),
  MNIST(1, 28, digits()),
  FASHION_MNIST(1, 28, List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
      "Ankle boot")),
  CIFAR10(3, 32, List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")),
  /**
   * A table of the user's in a CSV file ({@link CsvFiles}): its columns, classes and size are known once it is read, and
   * each feature is standardised on its own.
   */
  CSV(0, 0, List.of()),
  /**
   * Images of the user's, one folder per class ({@link ImageFiles}): their classes, channels and size are known once
   * the folder is read.
   */
  IMAGES(0, 0, List.of()),
  /**
   * Arrays of the user's in a NumPy .npz archive ({@link NpzFiles}): images or a table, as the inputs' shape says,
   * their classes known once they are read.
   */
  NPZ(0, 0, List.of());

  /** Where Debian's dataset-fashion-mnist package installs the files. */
  static final Path FASHION_MNIST_DEFAULT = Path.of("/usr/share/datasets/fashion-mnist");

  /** Colour planes, for per-channel standardisation. */
  final int channels;

  /** The images' side in pixels, known before the files are read. */
  private final int side;

  /** The names of the labels 0, 1, ..., as the data set's authors give them. */
  final List<String> classNames;

  Datasets(int channels, int side, List<String> classNames) {
    this.channels = channels;
    this.side = side;
    this.classNames = classNames;
  }

  /**
   * Whether the examples are images, read as pixels in [0, 1], whatever the files hold (an archive's arrays may hold
   * either).
   */
  boolean images() {
    return this != CSV && this != NPZ;
  }

  /** Whether the examples' shape and classes are the data set's own, known before its files are read. */
  boolean known() {
    return this != CSV && this != IMAGES && this != NPZ;
  }

  /** Values per example, as the files hold them. */
  int featureSize() {
    return channels * side * side;
  }

  private static List<String> digits() {
    return IntStream.range(0, 10).mapToObj(Integer::toString).toList();
  }

  /** One example's shape, channels first: square images of {@code featureSize / channels} pixels. */
  int[] inputShape(int featureSize) {
    int side = (int) Math.round(Math.sqrt((double) featureSize / channels));
    return side * side * channels == featureSize ? new int[] {channels, side, side} : new int[] {featureSize};
  }

  static Datasets named(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown dataset '" + name
        + "'; expected digits, mnist, fashion-mnist, cifar10, csv, images or npz"));
  }

  /** The data set of this label, if it is one. */
  static Optional<Datasets> find(String name) {
    return Arrays.stream(values()).filter(d -> d.label().equals(name)).findFirst();
  }

  String label() {
    return CliEnums.label(this);
  }

  /** Loads the train and test parts from {@code dir} (null: the data set's default place). */
  TrainTestSplit load(Path dir) {
    return switch (this) {
      case DIGITS -> Digits.load();
      case MNIST -> MnistDataset.load(required(dir, "mnist"));
      case FASHION_MNIST -> MnistDataset.load(dir != null ? dir : installed(FASHION_MNIST_DEFAULT));
      case CIFAR10 -> CifarReader.load(required(dir, "cifar10"));
      case CSV -> throw new IllegalStateException("a CSV table is read by CsvFiles");
      case IMAGES -> throw new IllegalStateException("an image folder is read by ImageFiles");
      case NPZ -> throw new IllegalStateException("a NumPy archive is read by NpzFiles");
    };
  }

  private static Path required(Path dir, String name) {
    if (dir == null) {
      throw new IllegalArgumentException("--dataset " + name + " needs --data DIR (the directory holding its files)");
    }
    return dir;
  }

  private static Path installed(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          dir + " does not exist: install it with 'apt-get install dataset-fashion-mnist' or pass --data DIR");
    }
    return dir;
  }
}
