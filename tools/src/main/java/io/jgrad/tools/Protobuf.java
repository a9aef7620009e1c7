package io.jgrad.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One protocol-buffers message being written, field by field, in the wire format (varints, 32- and 64-bit fields and
 * length-delimited ones: what ONNX's and TensorBoard's messages as written here need). Nested messages are written into
 * their own instance and added whole.
 */
final class Protobuf {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int32, int64 or enum field (negative values take ten bytes, as the format's two's-complement varint). */
  Protobuf varint(int field, long value) {
    tag(field, VARINT);
    raw(value);
    return this;
  }

  /** A float field's bits ({@link Float#floatToRawIntBits}), or a fixed32, little-endian. */
  Protobuf fixed32(int field, int bits) {
    tag(field, FIXED32);
    for (int b = 0; b < 4; b++) {
      out.write(bits >>> 8 * b);
    }
    return this;
  }

  /** A double field's bits ({@link Double#doubleToRawLongBits}), or a fixed64, little-endian. */
  Protobuf fixed64(int field, long bits) {
    tag(field, FIXED64);
    for (int b = 0; b < 8; b++) {
      out.write((int) (bits >>> 8 * b));
    }
    return this;
  }

  Protobuf string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Protobuf bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    raw(value.length);
    out.writeBytes(value);
    return this;
  }

  Protobuf message(int field, Protobuf value) {
    return bytes(field, value.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    raw((long) field << 3 | wireType);
  }

  private void raw(long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }
}
