package io.jgrad.data;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte[.gz]}, {@code
 * train-labels-idx1-ubyte[.gz]}, {@code t10k-…}), gzip or raw, in one streaming pass.
 *
 * <p>Layout (big-endian int32 header fields): images are magic 0x00000803, count, rows, cols, then
 * count·rows·cols pixel bytes; labels are magic 0x00000801, count, then count label bytes. The file must
 * end right after the announced records.
 *
 * @see io.jgrad.io.InvalidFileException thrown for every missing, unreadable or malformed file
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  public static IdxImages readImages(Path file) {
    try (ByteSource source = ByteSource.open(file)) {
      return readImages(source);
    }
  }

  /** Reads images from {@code in} (closed when done); {@code name} names it in errors. */
  public static IdxImages readImages(String name, InputStream in) {
    try (ByteSource source = ByteSource.of(name, in, -1)) {
      return readImages(source);
    }
  }

  /** Reads labels, each of which must lie in {@code 0..numClasses-1}. */
  public static int[] readLabels(Path file, int numClasses) {
    try (ByteSource source = ByteSource.open(file)) {
      return readLabels(source, numClasses);
    }
  }

  /** Reads labels from {@code in} (closed when done); {@code name} names it in errors. */
  public static int[] readLabels(String name, InputStream in, int numClasses) {
    try (ByteSource source = ByteSource.of(name, in, -1)) {
      return readLabels(source, numClasses);
    }
  }

  static IdxImages readImages(ByteSource source) {
    expectMagic(source, IMAGES_MAGIC, "IDX images");
    int count = readNatural(source, "image count", 0);
    int rows = readNatural(source, "row count", 1);
    int cols = readNatural(source, "column count", 1);
    long imageBytes = (long) rows * cols;
    if (imageBytes > ByteSource.MAX_ARRAY_BYTES) {
      throw source.fail("images of " + rows + "x" + cols + " pixels exceed the largest Java array");
    }
    byte[] pixels = source.readRecords(count, (int) imageBytes, "image");
    source.expectEnd();
    return new IdxImages(rows, cols, pixels);
  }

  static int[] readLabels(ByteSource source, int numClasses) {
    if (numClasses < 1 || numClasses > 256) {
      throw new IllegalArgumentException("numClasses " + numClasses + ", expected 1..256 (labels are bytes)");
    }
    expectMagic(source, LABELS_MAGIC, "IDX labels");
    int count = readNatural(source, "label count", 0);
    long start = source.offset();
    byte[] bytes = source.readRecords(count, 1, "label");
    source.expectEnd();
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = bytes[i] & 0xff;
      if (labels[i] >= numClasses) {
        throw source.fail(
            "label " + labels[i] + " at offset " + (start + i) + " (record " + i + "), expected 0.."
                + (numClasses - 1));
      }
    }
    return labels;
  }

  private static void expectMagic(ByteSource source, int expected, String kind) {
    long at = source.offset();
    int magic = source.readInt("the magic number");
    if (magic != expected) {
      // The other kind of IDX file (labels given for images, say) is named as such.
      String found = magic == LABELS_MAGIC ? ": an IDX label file" : magic == IMAGES_MAGIC ? ": an IDX image file" : "";
      throw source.fail(
          String.format("bad magic 0x%08x at offset %d, expected 0x%08x (%s)%s", magic, at, expected, kind, found));
    }
  }

  private static int readNatural(ByteSource source, String field, int min) {
    long at = source.offset();
    int value = source.readInt("the " + field);
    if (value < min) {
      throw source.fail(field + " " + value + " at offset " + at + ", expected >= " + min);
    }
    return value;
  }
}
