package io.jgrad.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Seeded corruptions of a valid file, for the parser fuzz tests: what disks, networks and attackers do. */
public final class Mutations {
  /** Header values that break naive parsers: zero, signs, powers of two at the int and long edges. */
  private static final int[] EDGE_INTS = {0, 1, -1, 255, 256, 0x7fffffff, 0x80000000, 0x40000000, 0x00000803, 0x00000801};

  private Mutations() {}

  /** One random corruption of {@code valid}: truncation, byte noise, an edge value in a header field, or appended junk. */
  public static byte[] mutate(byte[] valid, Random random) {
    byte[] bytes = valid.clone();
    switch (random.nextInt(4)) {
      case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 1 -> {
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      case 2 -> {
        int at = 4 * random.nextInt(Math.min(8, bytes.length / 4));
        int value = EDGE_INTS[random.nextInt(EDGE_INTS.length)];
        for (int b = 0; b < 4; b++) {
          bytes[at + b] = (byte) (random.nextBoolean() ? value >>> (24 - 8 * b) : value >>> (8 * b));
        }
      }
      default -> {
        bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
        bytes[bytes.length - 1] = (byte) random.nextInt(256);
      }
    }
    return bytes;
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
