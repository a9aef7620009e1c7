package io.jgrad.data;

import io.jgrad.io.InvalidFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 binary batches ({@code data_batch_1.bin} … {@code data_batch_5.bin}, {@code
 * test_batch.bin}): records of 1 label byte then 3,072 pixel bytes, channel-major (the 32×32 red plane,
 * then green, then blue), no header. Features are pixels / 255 in the same layout; for the usual
 * per-channel normalisation call {@code split.standardize(CifarReader.CHANNELS)}.
 *
 * <p>Memory: the 50,000 training images are 614 MB of floats.
 */
public final class CifarReader {
  public static final int CLASSES = 10;
  public static final int CHANNELS = 3;
  public static final int IMAGE_BYTES = 3 * 32 * 32;
  public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
  public static final List<String> TRAIN_FILES =
      List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  public static final String TEST_FILE = "test_batch.bin";
  /** The folder the official archive unpacks to; {@link #load} also looks there. */
  static final String ARCHIVE_DIR = "cifar-10-batches-bin";
  /**
   * The most records one file may decode to: all 60,000 images of CIFAR-10 (an official batch holds 10,000). A gzip
   * file has no length to check in advance, so without a bound a few kilobytes that inflate to gigabytes would be read
   * until the heap ran out.
   */
  static final int MAX_RECORDS_PER_FILE = 60_000;

  private CifarReader() {}

  /** One batch file. */
  public static LabeledData readBatch(Path file) {
    return decode(List.of(readRecords(file)));
  }

  static LabeledData readBatch(ByteSource source) {
    return decode(List.of(readRecords(source)));
  }

  /** The five training batches and the test batch from {@code dir} or its {@code cifar-10-batches-bin}. */
  public static TrainTestSplit load(Path dir) {
    Path base = Files.isDirectory(dir.resolve(ARCHIVE_DIR)) ? dir.resolve(ARCHIVE_DIR) : dir;
    List<byte[]> train = new ArrayList<>();
    for (String name : TRAIN_FILES) {
      train.add(readRecords(existing(base, name)));
    }
    return new TrainTestSplit(decode(train), decode(List.of(readRecords(existing(base, TEST_FILE)))));
  }

  private static Path existing(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new InvalidFileException(file.toString(), "missing: no " + name + " in " + dir);
    }
    return file;
  }

  private static byte[] readRecords(Path file) {
    try (ByteSource source = ByteSource.open(file)) {
      return readRecords(source);
    }
  }

  /** The source's records, after checking every label. */
  private static byte[] readRecords(ByteSource source) {
    byte[] records = source.readAllRecords(RECORD_BYTES, "record", MAX_RECORDS_PER_FILE);
    if (records.length == 0) {
      throw source.fail("no records");
    }
    for (int r = 0; r < records.length / RECORD_BYTES; r++) {
      int label = records[r * RECORD_BYTES] & 0xff;
      if (label >= CLASSES) {
        throw source.fail(
            "label " + label + " at offset " + (long) r * RECORD_BYTES + " (record " + r + "), expected 0.."
                + (CLASSES - 1));
      }
    }
    return records;
  }

  private static LabeledData decode(List<byte[]> batches) {
    long count = batches.stream().mapToLong(b -> b.length / RECORD_BYTES).sum();
    if (count * IMAGE_BYTES > ByteSource.MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException(count + " CIFAR images exceed the largest Java array");
    }
    float[] features = new float[(int) count * IMAGE_BYTES];
    int[] labels = new int[(int) count];
    int example = 0;
    for (byte[] records : batches) {
      for (int r = 0; r < records.length / RECORD_BYTES; r++, example++) {
        labels[example] = records[r * RECORD_BYTES];
        for (int p = 0; p < IMAGE_BYTES; p++) {
          features[example * IMAGE_BYTES + p] = (records[r * RECORD_BYTES + 1 + p] & 0xff) / 255f;
        }
      }
    }
    return new LabeledData(features, labels, IMAGE_BYTES, CLASSES, new int[] {3, 32, 32});
  }
}
