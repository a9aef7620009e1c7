package io.jgrad.data;

import java.nio.ByteBuffer;

/** Builds IDX files byte by byte, as the format describes them, for the reader tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** An images file: magic 0x803, count, rows, cols (big-endian), then {@code pixels}. */
  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length).putInt(0x00000803).putInt(count).putInt(rows).putInt(cols).put(pixels).array();
  }

  /** A labels file: magic 0x801, count (big-endian), then one byte per label. */
  static byte[] labels(int count, byte[] labels) {
    return ByteBuffer.allocate(8 + labels.length).putInt(0x00000801).putInt(count).put(labels).array();
  }

  /** {@code n} bytes 0, 1, 2, … (mod 256): pixels whose values say where they came from. */
  static byte[] ramp(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }
}
