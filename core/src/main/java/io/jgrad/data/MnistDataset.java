package io.jgrad.data;

import io.jgrad.io.InvalidFileException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Loads an MNIST-layout dataset (MNIST, Fashion-MNIST, the bundled digits) from the four standard IDX
 * files, each {@code .gz} or raw, whichever exists. Features are pixels / 255, 784 per 28×28 image;
 * labels are 0..9.
 */
public final class MnistDataset {
  public static final int CLASSES = 10;
  static final String[] SUFFIXES = {".gz", ""};

  private MnistDataset() {}

  /** Loads from the files in {@code dir}. */
  public static TrainTestSplit load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidFileException(dir.toString(), "no such directory");
    }
    return load(base -> openFile(dir, base));
  }

  /**
   * Loads from class-path resources under {@code dir} (e.g. {@code "io/jgrad/datasets/digits"}), for
   * data bundled in a jar.
   */
  public static TrainTestSplit loadResources(ClassLoader loader, String dir) {
    return load(base -> openResource(loader, dir, base));
  }

  private static TrainTestSplit load(Function<String, ByteSource> open) {
    LabeledData train = loadPart(open, "train");
    LabeledData test = loadPart(open, "t10k");
    if (train.featureSize() != test.featureSize()) {
      throw new InvalidFileException(
          "t10k-images-idx3-ubyte", "images have " + test.featureSize() + " pixels, train images "
              + train.featureSize());
    }
    return new TrainTestSplit(train, test);
  }

  private static LabeledData loadPart(Function<String, ByteSource> open, String prefix) {
    IdxImages images;
    try (ByteSource source = open.apply(prefix + "-images-idx3-ubyte")) {
      images = IdxReader.readImages(source);
    }
    try (ByteSource source = open.apply(prefix + "-labels-idx1-ubyte")) {
      int[] labels = IdxReader.readLabels(source, CLASSES);
      if (labels.length != images.count()) {
        throw source.fail(
            labels.length + " labels, but " + prefix + "-images-idx3-ubyte holds " + images.count() + " images");
      }
      return new LabeledData(images.scaledToUnit(), labels, images.rows() * images.cols(), CLASSES,
          new int[] {1, images.rows(), images.cols()});
    }
  }

  private static ByteSource openFile(Path dir, String base) {
    for (String suffix : SUFFIXES) {
      Path file = dir.resolve(base + suffix);
      if (Files.isRegularFile(file)) {
        return ByteSource.open(file);
      }
    }
    throw new InvalidFileException(dir.resolve(base) + "[.gz]", "missing: neither " + base + ".gz nor " + base
        + " is in " + dir);
  }

  private static ByteSource openResource(ClassLoader loader, String dir, String base) {
    for (String suffix : SUFFIXES) {
      String name = dir + "/" + base + suffix;
      InputStream in = loader.getResourceAsStream(name);
      if (in != null) {
        return ByteSource.of(name, in, -1);
      }
    }
    throw new InvalidFileException(dir + "/" + base + "[.gz]", "missing: no such class-path resource");
  }
}
