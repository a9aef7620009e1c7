package io.jgrad.data;

import static io.jgrad.data.IdxReaderTest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  @TempDir Path dir;

  /** Records whose red plane is all {@code red}, green {@code 2·red}, blue 0; labels as given. */
  static byte[] batch(int red, int... labels) {
    byte[] bytes = new byte[labels.length * CifarReader.RECORD_BYTES];
    for (int r = 0; r < labels.length; r++) {
      int at = r * CifarReader.RECORD_BYTES;
      bytes[at] = (byte) labels[r];
      Arrays.fill(bytes, at + 1, at + 1 + 1024, (byte) red);
      Arrays.fill(bytes, at + 1 + 1024, at + 1 + 2048, (byte) (2 * red));
    }
    return bytes;
  }

  @Test
  void readsChannelMajorRecords() throws IOException {
    LabeledData batch = CifarReader.readBatch(write("test_batch.bin", batch(51, 4, 9)));
    assertArrayEquals(new int[] {4, 9}, batch.labels());
    assertArrayEquals(new int[] {3, 32, 32}, batch.exampleShape(), "images keep their shape");
    float[] x = batch.features();
    assertEquals(3072 * 2, x.length);
    assertEquals(0.2f, x[3072 + 1023]);
    assertEquals(0.4f, x[3072 + 1024]);
    assertEquals(0f, x[3072 + 2048]);
  }

  @Test
  void loadsAllBatchesFromTheArchiveFolderAndNormalisesPerChannelWithTrainingStats() throws IOException {
    Path base = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
    for (int b = 1; b <= 5; b++) {
      Files.write(base.resolve("data_batch_" + b + ".bin"), batch(b % 2 == 0 ? 0 : 102, b, b + 1));
    }
    Files.write(base.resolve("test_batch.bin"), batch(51, 0));
    TrainTestSplit split = CifarReader.load(dir);
    assertEquals(10, split.train().size());
    assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, split.train().labels());

    Standardizer stats = split.standardize(CifarReader.CHANNELS);
    // Red: 6 records at 0.4 and 4 at 0 → mean 0.24, std sqrt(0.6·0.16²+0.4·0.24²) = 0.196; green doubled.
    assertArrayEquals(new double[] {0.24, 0.48, 0}, stats.mean(), 1e-6);
    assertArrayEquals(new double[] {0.195959, 0.391918, 1}, stats.std(), 1e-6);
    assertEquals((0.2 - 0.24) / 0.195959, split.test().features()[0], 1e-5);
    assertEquals((0.4 - 0.48) / 0.391918, split.test().features()[1024], 1e-5);
    assertEquals(0f, split.test().features()[2048]);
  }

  @Test
  void lengthMustBeWholeRecords() throws IOException {
    Path file = write("data_batch_1.bin", Arrays.copyOf(batch(0, 1, 2), 3073 + 100));
    assertError(file + ": file is 3173 bytes, not a whole number of 3073-byte records", () -> CifarReader.readBatch(file));
  }

  @Test
  void labelAboveNine() throws IOException {
    Path file = write("data_batch_1.bin", batch(0, 1, 10));
    assertError(file + ": label 10 at offset 3073 (record 1), expected 0..9", () -> CifarReader.readBatch(file));
  }

  /**
   * A gzip file has no length to check first: decoding stops at the bound the format sets, so a small file that
   * inflates past it is refused after reading one byte more than the bound, not read until the heap runs out.
   */
  @Test
  void decompressionStopsAtTheFormatsBound() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(new byte[11 * CifarReader.RECORD_BYTES]);
    }
    try (ByteSource source = ByteSource.of("bomb.bin.gz", new ByteArrayInputStream(gz.toByteArray()), gz.size())) {
      assertError("bomb.bin.gz: decodes to more than 10 records, more than the format holds: refused",
          () -> source.readAllRecords(CifarReader.RECORD_BYTES, "record", 10));
    }
    try (ByteSource source = ByteSource.of("ten.bin", new ByteArrayInputStream(batch(0, new int[10])), -1)) {
      assertEquals(10 * CifarReader.RECORD_BYTES, source.readAllRecords(CifarReader.RECORD_BYTES, "record", 10).length);
    }
    Path raw = write("data_batch_1.bin", batch(0, new int[11]));
    try (ByteSource source = ByteSource.open(raw)) {
      assertError(raw + ": decodes to more than 10 records, more than the format holds: refused",
          () -> source.readAllRecords(CifarReader.RECORD_BYTES, "record", 10));
    }
    assertEquals(60_000, CifarReader.MAX_RECORDS_PER_FILE);
  }

  @Test
  void emptyBatch() throws IOException {
    Path file = write("data_batch_1.bin", new byte[0]);
    assertError(file + ": no records", () -> CifarReader.readBatch(file));
  }

  @Test
  void missingBatchNamesTheFileAndTheDirectory() {
    assertError(dir.resolve("data_batch_1.bin") + ": missing: no data_batch_1.bin in " + dir, () -> CifarReader.load(dir));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }
}
