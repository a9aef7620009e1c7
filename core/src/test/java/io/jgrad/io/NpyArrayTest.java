package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.Fifos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Arrays NumPy 1.24.2 wrote (npy/make_arrays.py, beside them, says what each holds) read back element for element. */
class NpyArrayTest {
  @ParameterizedTest
  @ValueSource(strings = {"le_i1", "le_i2", "le_i4", "le_i8", "be_i4", "le_f4", "le_f8", "be_f8"})
  void signedAndFloatArraysOfEveryWidthAndByteOrder(String name) throws Exception {
    NpyArray a = NpyArray.read(resource(name + ".npy"));
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {-3, -2, -1, 0, 1, 2}, a.floats());
    assertEquals(name.contains("f") ? NpyArray.Kind.FLOAT : NpyArray.Kind.SIGNED, a.kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"u1", "le_u2", "le_u4", "le_u8"})
  void unsignedArrays(String name) throws Exception {
    NpyArray a = NpyArray.read(resource(name + ".npy"));
    assertEquals(NpyArray.Kind.UNSIGNED, a.kind());
    assertArrayEquals(new float[] {250, 251, 252, 253, 254, 255}, a.floats(), name);
  }

  @Test
  void unsignedSixtyFourBitValuesAboveTheSignedRange() throws Exception {
    NpyArray a = NpyArray.read(resource("u8_max.npy"));
    assertEquals(0x1p64, a.value(0), 0x1p11, "2^64 - 1, rounded to a double");
    assertEquals(0x1p63, a.value(1));
  }

  @Test
  void booleansHalfFloatsAndScalars() throws Exception {
    assertArrayEquals(new float[] {1, 0, 1}, NpyArray.read(resource("bool.npy")).floats());
    float[] half = NpyArray.read(resource("f2.npy")).floats();
    assertArrayEquals(new float[] {0.5f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f}, half,
        "6e-8 is float16's smallest subnormal, 2^-24");
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(half[5]), "the sign of zero kept");
    NpyArray scalar = NpyArray.read(resource("scalar.npy"));
    assertArrayEquals(new int[0], scalar.shape());
    assertEquals(1, scalar.size());
    assertEquals(2.5, scalar.value(0));
  }

  @Test
  void aFortranOrderedArrayReadsInRowMajorOrder() throws Exception {
    NpyArray a = NpyArray.read(resource("fortran.npy"));
    assertTrue(a.header().fortranOrder());
    assertArrayEquals(new int[] {2, 3, 4}, a.shape());
    float[] expected = new float[24];
    for (int i = 0; i < 24; i++) {
      expected[i] = i; // np.arange(24).reshape(2, 3, 4): element i at row-major position i, whatever the file's order
    }
    assertArrayEquals(expected, a.floats());
  }

  @Test
  void textArrays() throws Exception {
    NpyArray text = NpyArray.read(resource("text.npy"));
    assertEquals(NpyArray.Kind.TEXT, text.kind());
    assertEquals("<U7", text.header().descr());
    assertEquals(List.of("cat", "dog", "ünïcode", ""),
        List.of(text.text(0), text.text(1), text.text(2), text.text(3)));
    NpyArray bytes = NpyArray.read(resource("bytes.npy"));
    assertEquals(List.of("ab", "c"), List.of(bytes.text(0), bytes.text(1)));
    assertThrows(IllegalStateException.class, text::floats);
  }

  @Test
  void formatVersionTwo() throws Exception {
    assertArrayEquals(new float[] {0, 1, 2, 3}, NpyArray.read(resource("version2.npy")).floats());
  }

  @Test
  void archivesPlainAndCompressed() throws Exception {
    NpzArchive plain = NpzArchive.open(resource("plain.npz"));
    assertEquals(List.of("x", "y"), plain.keys());
    assertArrayEquals(new int[] {3, 2, 2}, plain.header("x").shape());
    assertEquals("|u1", plain.header("x").descr());
    float[] x = plain.array("x").floats();
    assertEquals(12, x.length);
    assertEquals(11f, x[11]);
    assertArrayEquals(new float[] {2, 0, 1}, plain.array("y").floats());
    NpzArchive compressed = NpzArchive.open(resource("compressed.npz"));
    assertEquals(List.of("x_train", "y_train"), compressed.keys());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, compressed.array("x_train").floats());
    assertEquals("a", compressed.array("y_train").text(1));
    InvalidFileException missing = assertThrows(InvalidFileException.class, () -> compressed.array("x"));
    assertTrue(missing.getMessage().endsWith("compressed.npz: holds no array 'x' (its arrays: x_train, y_train)"),
        missing.getMessage());
  }

  /** The tests' writer (NumpyFiles) writes what NumPy writes, byte for byte, so that their archives are NumPy's. */
  @Test
  void theTestsWriterWritesNumpysBytes() throws Exception {
    int[] shape = {2, 3};
    assertArrayEquals(Files.readAllBytes(resource("le_f4.npy")),
        NumpyFiles.float32(shape, new float[] {-3, -2, -1, 0, 1, 2}));
    assertArrayEquals(Files.readAllBytes(resource("le_f8.npy")),
        NumpyFiles.float64(shape, new double[] {-3, -2, -1, 0, 1, 2}));
    assertArrayEquals(Files.readAllBytes(resource("le_i8.npy")),
        NumpyFiles.int64(shape, new long[] {-3, -2, -1, 0, 1, 2}));
    assertArrayEquals(Files.readAllBytes(resource("u1.npy")),
        NumpyFiles.uint8(shape, new byte[] {(byte) 250, (byte) 251, (byte) 252, (byte) 253, (byte) 254, (byte) 255}));
    assertArrayEquals(Files.readAllBytes(resource("text.npy")), NumpyFiles.text("cat", "dog", "ünïcode", ""));
  }

  @Test
  void objectAndStructuredArraysAreRefusedInOneLine() throws Exception {
    String objects = assertThrows(InvalidFileException.class, () -> NpyArray.read(resource("objects.npy")))
        .getMessage();
    assertTrue(objects.contains("an array of Python objects ('|O', read only with allow_pickle)"), objects);
    String structured = assertThrows(InvalidFileException.class, () -> NpyArray.read(resource("structured.npy")))
        .getMessage();
    assertTrue(structured.contains("a structured array"), structured);
  }

  @Test
  void truncatedAndForeignFilesAreRefusedInOneLine(@TempDir Path dir) throws Exception {
    byte[] whole = Files.readAllBytes(resource("le_f8.npy"));
    Path cut = dir.resolve("cut.npy");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 5));
    String truncated = assertThrows(InvalidFileException.class, () -> NpyArray.read(cut)).getMessage();
    assertEquals(cut + ": truncated: its header gives shape (2, 3) of <f8, 48 bytes, and 43 follow", truncated);
    Path headerCut = dir.resolve("header.npy");
    Files.write(headerCut, Arrays.copyOf(whole, 20));
    assertEquals(headerCut + ": truncated in its header",
        assertThrows(InvalidFileException.class, () -> NpyArray.read(headerCut)).getMessage());
    Path csv = dir.resolve("rows.npy");
    Files.writeString(csv, "1,2,3\n");
    assertTrue(assertThrows(InvalidFileException.class, () -> NpyArray.read(csv)).getMessage()
        .endsWith("not a NumPy .npy array (no \\x93NUMPY magic string at its start)"));
    Path notZip = dir.resolve("x.npz");
    Files.write(notZip, whole);
    assertTrue(assertThrows(InvalidFileException.class, () -> NpzArchive.open(notZip)).getMessage()
        .startsWith(notZip + ": not a NumPy .npz archive"));
  }

  /**
   * A folder of .npy files, one an array named after its key, reads as an archive of them (hidden files left out); a
   * FIFO among them is refused when read, not waited on; a folder without one is one line.
   */
  @Test
  void aFolderOfNpyFilesIsAnArchive(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("y_train.npy"), NumpyFiles.int64(new int[] {3}, new long[] {2, 0, 1}));
    Files.write(dir.resolve("X_train.npy"), NumpyFiles.float32(new int[] {3, 2}, new float[] {0, 1, 2, 3, 4, 5}));
    Files.writeString(dir.resolve(".X_train.npy"), "an editor's backup");
    Files.writeString(dir.resolve("notes.txt"), "not an array");
    NpzArchive folder = NpzArchive.open(dir);
    assertEquals(List.of("X_train", "y_train"), folder.keys());
    assertArrayEquals(new int[] {3, 2}, folder.header("X_train").shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, folder.array("X_train").floats());
    assertArrayEquals(new float[] {2, 0, 1}, folder.array("y_train").floats());
    assertEquals(dir.resolve("y_train.npy").toString(), folder.source("y_train"));
    Fifos.make(dir.resolve("z.npy"));
    assertEquals(dir.resolve("z.npy") + ": not a regular file (a FIFO, socket or device): refused",
        assertThrows(InvalidFileException.class, () -> NpzArchive.open(dir).array("z")).getMessage());
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals(empty + ": holds no .npy file (a folder of arrays as np.save writes them, one a file named after "
        + "its key: X_train.npy, y_train.npy, ...)",
        assertThrows(InvalidFileException.class, () -> NpzArchive.open(empty)).getMessage());
  }

  @Test
  void headersThatAreNoArraysAreRefused() {
    assertTrue(refused("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }")
        .endsWith("elements of type '<c8': booleans, integers, floats and fixed-width text are read"));
    assertTrue(refused("{'descr': '<f3', 'fortran_order': False, 'shape': (2,), }")
        .endsWith("elements of type '<f3': not a width NumPy writes"));
    assertTrue(refused("{'descr': '<f4', 'shape': (2,), }").contains("without descr, fortran_order and shape"));
    assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999,), }")
        .contains("not whole numbers of at most 2^31 - 1"));
    assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 8), }")
        .endsWith("shape (2147483647, 2147483647, 8) of '<f8' claims more than 2^63 bytes"));
    assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1000), }")
        .endsWith("truncated: its header gives shape (100000, 1000) of <f4, 400000000 bytes, and 0 follow"),
        "a claim of 400 MB costs nothing before its bytes are there");
    assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000), }")
        .endsWith("an array of shape (1000000, 1000) holds 4000000000 bytes: more than the 2 GiB one array is read "
            + "into"));
  }

  /** The message reading a version 1.0 array of this header and no elements gives. */
  private static String refused(String dict) {
    byte[] text = dict.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] file = new byte[10 + text.length];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length, 0};
    System.arraycopy(magic, 0, file, 0, 10);
    System.arraycopy(text, 0, file, 10, text.length);
    return assertThrows(InvalidFileException.class, () -> NpyArray.read("h.npy", new ByteArrayInputStream(file)))
        .getMessage();
  }

  private static Path resource(String name) throws URISyntaxException, IOException {
    return Path.of(NpyArrayTest.class.getResource("npy/" + name).toURI());
  }
}
