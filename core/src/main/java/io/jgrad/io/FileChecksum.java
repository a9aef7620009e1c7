package io.jgrad.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The whole-file checksum of a safetensors file jgrad writes: a CRC32C over every byte of the file (the length
 * prefix, the JSON header with its metadata, the data region) in which the checksum's own eight hex digits read as
 * "00000000". It is stored in the header's metadata under {@link Safetensors#CHECKSUM_KEY}, so an edited epoch, step
 * count, generator position or setting fails the check as a flipped weight does.
 *
 * <p>Locating the digits needs the field in the compact form jgrad writes ({@code "key":"digits"}); a header that
 * another tool re-formatted no longer has it and fails as rewritten.
 */
final class FileChecksum {
  static final String PLACEHOLDER = "00000000";

  private FileChecksum() {}

  /** The CRC32C of {@code header} (holding the placeholder) and {@code data}, as 8 lower-case hex digits. */
  static String of(byte[] header, List<byte[]> data) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    crc.update(header);
    data.forEach(crc::update);
    return String.format("%08x", crc.getValue());
  }

  /** {@code header} with the placeholder replaced by {@code digits} (a copy). */
  static byte[] filledIn(byte[] header, String digits) {
    int at = digitsAt(header, PLACEHOLDER);
    if (at < 0) {
      throw new IllegalStateException("the header holds no checksum placeholder");
    }
    byte[] out = header.clone();
    System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, out, at, PLACEHOLDER.length());
    return out;
  }

  /** {@code header} with the stored {@code digits} read as the placeholder, or null if the field is not there. */
  static byte[] withPlaceholder(byte[] header, String digits) {
    if (digits.length() != PLACEHOLDER.length()) {
      return null;
    }
    int at = digitsAt(header, digits);
    if (at < 0) {
      return null;
    }
    byte[] out = header.clone();
    Arrays.fill(out, at, at + PLACEHOLDER.length(), (byte) '0');
    return out;
  }

  /** Where {@code "KEY":"digits"} puts its digits in {@code header}, or -1. */
  private static int digitsAt(byte[] header, String digits) {
    byte[] field = ("\"" + Safetensors.CHECKSUM_KEY + "\":\"" + digits + "\"").getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + field.length <= header.length; i++) {
      for (int j = 0; j < field.length; j++) {
        if (header[i + j] != field[j]) {
          continue outer;
        }
      }
      return i + field.length - 1 - digits.length();
    }
    return -1;
  }
}
