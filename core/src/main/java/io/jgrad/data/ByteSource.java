package io.jgrad.data;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.RegularFiles;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One forward pass over a dataset file, raw or gzip (recognised by its magic bytes 1f 8b, whatever its
 * name), counting decoded bytes so errors can say where they happened. Turns every I/O failure into an
 * {@link InvalidFileException}.
 *
 * <p>Allocation follows the data, never the header: when the decoded length is known (a raw file) a
 * claim is checked against it first; when it is not (gzip, a stream) buffers start at one chunk and
 * grow as bytes actually arrive.
 */
final class ByteSource implements Closeable {
  private static final int BUFFER_BYTES = 1 << 16;
  private static final int FIRST_CHUNK_BYTES = 1 << 16;
  /** The largest byte[] every JVM allocates. */
  static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private final String name;
  private final InputStream in;
  private final long length;
  private long offset;

  private ByteSource(String name, InputStream in, long length) {
    this.name = name;
    this.in = in;
    this.length = length;
  }

  static ByteSource open(Path file) {
    String name = file.toString();
    InputStream raw;
    long size = RegularFiles.require(file);
    try {
      raw = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new InvalidFileException(name, "no such file", e);
    } catch (IOException e) {
      throw new InvalidFileException(name, "cannot read: " + e, e);
    }
    return of(name, raw, size);
  }

  /** Wraps {@code raw} (closed with this source); {@code size} is its length in bytes, or -1 if unknown. */
  static ByteSource of(String name, InputStream raw, long size) {
    BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER_BYTES);
    ByteSource source = new ByteSource(name, buffered, size);
    try {
      buffered.mark(2);
      boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
      buffered.reset();
      if (gzip) {
        return new ByteSource(name, new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_BYTES), BUFFER_BYTES), -1);
      }
      return source;
    } catch (IOException e) {
      source.close();
      throw source.fail(e);
    }
  }

  String name() {
    return name;
  }

  /** Decoded bytes consumed so far: the offset the next read starts at. */
  long offset() {
    return offset;
  }

  InvalidFileException fail(String detail) {
    return new InvalidFileException(name, detail);
  }

  /** A big-endian int32 header field. */
  int readInt(String field) {
    long at = offset;
    byte[] bytes = new byte[4];
    if (read(bytes, 0, 4) < 4) {
      throw fail("file ends at offset " + offset + " inside " + field + " (4 bytes at offset " + at + ")");
    }
    return ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
  }

  /**
   * Exactly {@code count} records of {@code recordBytes} bytes each, as a header promised them; {@code
   * what} names a record in errors ("image").
   */
  byte[] readRecords(long count, int recordBytes, String what) {
    long total = count * recordBytes;
    if (total > MAX_ARRAY_BYTES) {
      throw fail(count + " " + what + "s of " + recordBytes + " bytes exceed the largest Java array");
    }
    if (length >= 0 && length - offset < total) {
      long available = length - offset;
      throw fail(
          "truncated: " + count + " " + what + "s need " + total + " bytes after offset " + offset + ", the file holds "
              + available + " (ends in " + what + " " + available / recordBytes + ")");
    }
    byte[] data = new byte[(int) Math.min(total, length >= 0 ? total : FIRST_CHUNK_BYTES)];
    int filled = 0;
    while (filled < total) {
      if (filled == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(total, 2L * data.length));
      }
      int got = read(data, filled, data.length - filled);
      filled += got;
      if (got == 0) {
        throw fail("truncated at offset " + offset + " in " + what + " " + filled / recordBytes + " of " + count);
      }
    }
    return data;
  }

  /**
   * Every remaining byte, which must be whole records of {@code recordBytes} bytes, at most {@code maxRecords} of them:
   * decoding stops at the bound, so a compressed file cannot inflate past what its format allows.
   */
  byte[] readAllRecords(int recordBytes, String what, int maxRecords) {
    long maxBytes = Math.min(MAX_ARRAY_BYTES, (long) maxRecords * recordBytes);
    if (length >= 0) {
      long remaining = length - offset;
      if (remaining > maxBytes) {
        throw tooMany(what, maxRecords);
      }
      if (remaining % recordBytes != 0) {
        throw fail("file is " + length + " bytes, not a whole number of " + recordBytes + "-byte " + what + "s");
      }
      byte[] data = readRecords(remaining / recordBytes, recordBytes, what);
      expectEnd();
      return data;
    }
    byte[] data = new byte[(int) Math.min(FIRST_CHUNK_BYTES, maxBytes)];
    int filled = 0;
    while (true) {
      if (filled == data.length) {
        if (data.length == maxBytes) {
          if (read(new byte[1], 0, 1) != 0) {
            throw tooMany(what, maxRecords);
          }
          break;
        }
        data = Arrays.copyOf(data, (int) Math.min(maxBytes, 2L * data.length));
      }
      int wanted = data.length - filled;
      int got = read(data, filled, wanted);
      filled += got;
      if (got < wanted) {
        break;
      }
    }
    if (filled % recordBytes != 0) {
      throw fail("truncated at offset " + offset + " in " + what + " " + filled / recordBytes);
    }
    return Arrays.copyOf(data, filled);
  }

  private InvalidFileException tooMany(String what, int maxRecords) {
    return fail("decodes to more than " + maxRecords + " " + what + "s, more than the format holds: refused");
  }

  /** Fails unless the data ends here: extra bytes mean the header's counts are wrong. */
  void expectEnd() {
    long end = offset;
    if (read(new byte[1], 0, 1) != 0) {
      throw fail("unexpected data at offset " + end + " after the last record the header announced");
    }
  }

  /** Reads up to {@code len} bytes, fewer only at end of data; returns how many. */
  private int read(byte[] dst, int off, int len) {
    int total = 0;
    try {
      while (total < len) {
        int got = in.read(dst, off + total, len - total);
        if (got < 0) {
          break;
        }
        total += got;
        offset += got;
      }
    } catch (IOException e) {
      throw fail(e);
    }
    return total;
  }

  private InvalidFileException fail(IOException e) {
    String kind = e instanceof ZipException || e instanceof EOFException ? "corrupt gzip stream" : "cannot read";
    String what = e.getMessage() == null ? "unexpected end of data" : e.getMessage(); // EOFException has none
    return new InvalidFileException(name, kind + " at offset " + offset + ": " + what, e);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw fail(e);
    }
  }
}
