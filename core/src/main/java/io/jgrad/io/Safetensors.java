package io.jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * header (padded with spaces), then the tensors' little-endian bytes back to back. Files written here
 * load in PyTorch ({@code safetensors.torch.load_file}) and Hugging Face tools.
 *
 * <p>Integrity: {@link #write} stores a CRC32C of the whole file, header and metadata included (see {@link
 * FileChecksum}), in the metadata under {@link #CHECKSUM_KEY}; {@link #read} verifies it when present, and the
 * data-only {@link #DATA_CHECKSUM_KEY} of files written before it. A header edit (an epoch or step count, a setting)
 * fails the check like a flipped weight; the header is also validated structurally (every entry must tile the data
 * region exactly).
 */
public final class Safetensors {
  /** Metadata key of the CRC32C (8 lower-case hex digits) of the whole file: see {@link FileChecksum}. */
  public static final String CHECKSUM_KEY = "jgrad.file_crc32c";

  /** Metadata key of the CRC32C of the data region alone, which files written before {@link #CHECKSUM_KEY} hold. */
  public static final String DATA_CHECKSUM_KEY = "jgrad.crc32c";

  /** Headers larger than this are rejected before allocation (the reference implementation's limit). */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private Safetensors() {}

  /**
   * Atomically replaces {@code file} (see {@link AtomicFiles}) with {@code tensors}, in map order, and
   * {@code metadata} plus the checksum.
   */
  public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
      throws IOException {
    AtomicFiles.write(file, out -> writeTo(out, tensors, metadata));
  }

  /** Writes the whole file to {@code out}, which is left open. */
  public static void writeTo(OutputStream out, Map<String, TensorData> tensors, Map<String, String> metadata)
      throws IOException {
    List<byte[]> data = new ArrayList<>();
    for (Map.Entry<String, TensorData> t : tensors.entrySet()) {
      if (t.getKey().equals(SafetensorsHeader.METADATA)) {
        throw new IllegalArgumentException("'" + SafetensorsHeader.METADATA + "' is reserved, not a tensor name");
      }
      data.add(t.getValue().bytes());
    }
    Map<String, String> withChecksum = new LinkedHashMap<>(metadata);
    withChecksum.remove(DATA_CHECKSUM_KEY);
    withChecksum.put(CHECKSUM_KEY, FileChecksum.PLACEHOLDER);
    byte[] unsigned = SafetensorsHeader.encode(tensors, withChecksum);
    byte[] header = FileChecksum.filledIn(unsigned, FileChecksum.of(unsigned, data));
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.write(header);
    for (TensorData tensor : tensors.values()) {
      out.write(tensor.bytes());
    }
  }

  /**
   * Reads {@code file}. Allocates no more than the file's size, whatever its header claims.
   *
   * @throws InvalidFileException if the file is missing, unreadable, malformed or fails its checksum
   */
  public static SafetensorsFile read(Path file) {
    String name = file.toString();
    RegularFiles.require(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(name, channel);
    } catch (NoSuchFileException e) {
      throw new InvalidFileException(name, "no such file", e);
    } catch (IOException e) {
      throw new InvalidFileException(name, "cannot read: " + e, e);
    }
  }

  /** Reads a whole file from {@code channel}, called {@code name} in errors. */
  static SafetensorsFile read(String name, SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new InvalidFileException(name, "file is " + size + " bytes, too short for the 8-byte header length");
    }
    long headerLength = ByteBuffer.wrap(readAt(name, channel, 0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      // What a data file, an image or a text file given as a model gives here: say so before the number.
      throw new InvalidFileException(name, "not a safetensors file (or a damaged one): header length " + headerLength
          + " at offset 0, expected 2.." + MAX_HEADER_BYTES);
    }
    if (headerLength > size - 8) {
      throw new InvalidFileException(
          name, "header length " + headerLength + " at offset 0 runs past the end of the file (" + size + " bytes)");
    }
    byte[] json = readAt(name, channel, 8, (int) headerLength);
    long dataStart = 8 + headerLength;
    SafetensorsHeader header = SafetensorsHeader.parse(name, json, size - dataStart);

    // Data order is file order, so the checksum sees the data region front to back.
    Map<String, byte[]> data = new LinkedHashMap<>();
    CRC32C crc = new CRC32C();
    for (SafetensorsHeader.Entry e : header.entriesByOffset()) {
      byte[] bytes = readAt(name, channel, dataStart + e.begin(), e.byteCount());
      crc.update(bytes);
      data.put(e.name(), bytes);
    }
    String stored = header.metadata().get(CHECKSUM_KEY);
    if (stored != null) {
      byte[] unsigned = FileChecksum.withPlaceholder(json, stored);
      if (unsigned == null) {
        throw new InvalidFileException(name, "checkpoint corrupt: " + CHECKSUM_KEY + " '" + stored
            + "' is not 8 hex digits in jgrad's compact header (the header was edited or rewritten)");
      }
      String actual = FileChecksum.of(unsigned, List.copyOf(data.values()));
      if (!stored.equals(actual)) {
        throw new InvalidFileException(
            name, "checkpoint corrupt: checksum mismatch (" + CHECKSUM_KEY + " " + stored + ", file " + actual + ")");
      }
    }
    String storedData = header.metadata().get(DATA_CHECKSUM_KEY);
    if (storedData != null && !storedData.equals(hex(crc))) {
      throw new InvalidFileException(name, "checkpoint corrupt: checksum mismatch (" + DATA_CHECKSUM_KEY + " "
          + storedData + ", data " + hex(crc) + ")");
    }
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (SafetensorsHeader.Entry e : header.entries()) {
      tensors.put(e.name(), new TensorData(e.dtype(), e.shape(), data.get(e.name())));
    }
    return new SafetensorsFile(tensors, header.metadata());
  }

  /** Exactly {@code length} bytes at {@code position}; the caller has checked they lie inside the file. */
  private static byte[] readAt(String name, SeekableByteChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new InvalidFileException(name, "file ended at offset " + (position + buffer.position())
            + " while reading");
      }
    }
    return buffer.array();
  }

  private static String hex(CRC32C crc) {
    return String.format("%08x", crc.getValue());
  }
}
