package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.AllocationMeter;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.Mutations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  /** Three 2x3 images whose pixels are 0..17. */
  private static final byte[] IMAGES = IdxFiles.images(3, 2, 3, IdxFiles.ramp(18));
  private static final byte[] LABELS = IdxFiles.labels(3, new byte[] {7, 0, 9});

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readsKnownImagesRawAndGzip(boolean gzip) throws IOException {
    // A gzip file without .gz in its name: detected by its magic bytes.
    Path file = write("images", gzip ? Mutations.gzip(IMAGES) : IMAGES);
    IdxImages images = IdxReader.readImages(file);
    assertEquals(3, images.count());
    assertEquals(2, images.rows());
    assertEquals(3, images.cols());
    assertArrayEquals(IdxFiles.ramp(18), images.pixels());
    assertEquals(17 / 255f, images.scaledToUnit()[17]);
  }

  @Test
  void readsKnownLabelsFromAStream() {
    assertArrayEquals(new int[] {7, 0, 9}, IdxReader.readLabels("labels", new ByteArrayInputStream(Mutations.gzip(LABELS)), 10));
  }

  @Test
  void readsHighPixelsAsUnsigned() throws IOException {
    Path file = write("images", IdxFiles.images(1, 1, 1, new byte[] {(byte) 255}));
    assertEquals(1f, IdxReader.readImages(file).scaledToUnit()[0]);
  }

  @Test
  void badMagicNamesTheFileTheOffsetAndTheExpectedValue() throws IOException {
    Path file = write("train-images-idx3-ubyte.gz", Mutations.gzip(LABELS));
    assertError(file + ": bad magic 0x00000801 at offset 0, expected 0x00000803 (IDX images): an IDX label file",
        () -> IdxReader.readImages(file));
  }

  @Test
  void emptyFile() throws IOException {
    Path file = write("empty", new byte[0]);
    assertError(file + ": file ends at offset 0 inside the magic number (4 bytes at offset 0)", () -> IdxReader.readImages(file));
  }

  @Test
  void fileEndingInTheHeader() throws IOException {
    Path file = write("short", Arrays.copyOf(IMAGES, 10));
    assertError(file + ": file ends at offset 10 inside the row count (4 bytes at offset 8)", () -> IdxReader.readImages(file));
  }

  @Test
  void rawFileTruncatedMidRecordIsCaughtBeforeReading() throws IOException {
    Path file = write("images", Arrays.copyOf(IMAGES, 16 + 14));
    assertError(
        file + ": truncated: 3 images need 18 bytes after offset 16, the file holds 14 (ends in image 2)",
        () -> IdxReader.readImages(file));
  }

  @Test
  void gzipFileTruncatedMidRecordNamesTheRecord() throws IOException {
    Path file = write("images.gz", Mutations.gzip(Arrays.copyOf(IMAGES, 16 + 14)));
    assertError(file + ": truncated at offset 30 in image 2 of 3", () -> IdxReader.readImages(file));
  }

  @Test
  void moreDataThanTheHeaderAnnounces() throws IOException {
    Path file = write("labels", IdxFiles.labels(2, new byte[] {1, 2, 3}));
    assertError(file + ": unexpected data at offset 10 after the last record the header announced", () -> IdxReader.readLabels(file, 10));
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path file = write("labels", IdxFiles.labels(3, new byte[] {1, 10, 3}));
    assertError(file + ": label 10 at offset 9 (record 1), expected 0..9", () -> IdxReader.readLabels(file, 10));
    assertArrayEquals(new int[] {1, 10, 3}, IdxReader.readLabels(file, 11));
  }

  @Test
  void negativeAndZeroDimensions() throws IOException {
    Path negative = write("negative", IdxFiles.images(-1, 2, 3, new byte[0]));
    assertError(negative + ": image count -1 at offset 4, expected >= 0", () -> IdxReader.readImages(negative));
    Path zeroRows = write("zero", IdxFiles.images(1, 0, 3, new byte[0]));
    assertError(zeroRows + ": row count 0 at offset 8, expected >= 1", () -> IdxReader.readImages(zeroRows));
  }

  @Test
  void corruptGzipStream() throws IOException {
    byte[] badChecksum = Mutations.gzip(IMAGES);
    badChecksum[badChecksum.length - 8] ^= 0x55;
    Path file = write("images.gz", badChecksum);
    assertError(file + ": corrupt gzip stream at offset 34: Corrupt GZIP trailer", () -> IdxReader.readImages(file));

    byte[] badMethod = Mutations.gzip(IMAGES);
    badMethod[2] = 7;
    Path other = write("other.gz", badMethod);
    assertError(other + ": corrupt gzip stream at offset 0: Unsupported compression method", () -> IdxReader.readImages(other));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void headerClaimingTwoBillionImagesFailsFastWithoutAllocating(boolean gzip) throws IOException {
    Path file = write("huge", gzipIf(gzip, IdxFiles.images(Integer.MAX_VALUE / 784, 28, 28, IdxFiles.ramp(784 * 2))));
    long before = AllocationMeter.threadAllocatedBytes();
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> IdxReader.readImages(file));
    assertTrue(AllocationMeter.threadAllocatedBytes() - before < 1_000_000);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    Path tooMany = write("too-many", gzipIf(gzip, IdxFiles.images(Integer.MAX_VALUE, 28, 28, new byte[0])));
    assertError(tooMany + ": 2147483647 images of 784 bytes exceed the largest Java array", () -> IdxReader.readImages(tooMany));
  }

  private static byte[] gzipIf(boolean gzip, byte[] bytes) {
    return gzip ? Mutations.gzip(bytes) : bytes;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  static void assertError(String message, Runnable read) {
    InvalidFileException e = assertThrows(InvalidFileException.class, read::run);
    assertEquals(message, e.getMessage());
  }
}
