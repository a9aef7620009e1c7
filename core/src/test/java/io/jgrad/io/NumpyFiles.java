package io.jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes arrays as NumPy's {@code np.save} and {@code np.savez} do, byte for byte (NpyArrayTest checks a file of
 * each kind against NumPy's own), for tests that need archives of their own data: format 1.0, little-endian, the
 * header padded with spaces to a multiple of 64 bytes and ended by a newline.
 */
public final class NumpyFiles {
  private NumpyFiles() {}

  /** An .npy file's bytes: {@code descr}'s elements of {@code shape}, already in {@code data}'s little-endian bytes. */
  public static byte[] npy(String descr, int[] shape, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + NpyArray.shapeText(shape) + ", }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  public static byte[] uint8(int[] shape, byte[] values) {
    return npy("|u1", shape, values);
  }

  public static byte[] float32(int[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return npy("<f4", shape, b.array());
  }

  public static byte[] float64(int[] shape, double[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return npy("<f8", shape, b.array());
  }

  public static byte[] int64(int[] shape, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return npy("<i8", shape, b.array());
  }

  /** A 1-D array of text as NumPy stores {@code np.array(values)}: UTF-32, as wide as the longest, NUL-padded. */
  public static byte[] text(String... values) {
    int width = Math.max(1, Arrays.stream(values).mapToInt(v -> v.codePointCount(0, v.length())).max().orElse(1));
    ByteBuffer b = ByteBuffer.allocate(4 * width * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (String v : values) {
      int[] points = v.codePoints().toArray();
      for (int i = 0; i < width; i++) {
        b.putInt(i < points.length ? points[i] : 0);
      }
    }
    return npy("<U" + width, new int[] {values.length}, b.array());
  }

  /** Writes {@code arrays} (key to .npy bytes) as {@code np.savez} does: a zip of {@code key.npy} entries. */
  public static Path npz(Path file, Map<String, byte[]> arrays) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> a : arrays.entrySet()) {
        zip.putNextEntry(new ZipEntry(a.getKey() + ".npy"));
        zip.write(a.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }
}
