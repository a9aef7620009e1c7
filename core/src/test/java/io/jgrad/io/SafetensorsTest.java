package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  /** A float32 [2] = {1.5, -2} and an int64 scalar 7, as little-endian bytes written out by hand. */
  private static final byte[] KNOWN_DATA = {
    0x00, 0x00, (byte) 0xc0, 0x3f, 0x00, 0x00, 0x00, (byte) 0xc0, 0x07, 0, 0, 0, 0, 0, 0, 0
  };

  @Test
  void readsAHandMadeFile() throws IOException {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},\"__metadata__\":{\"format\":\"pt\"}}";
    assertEquals(138, header.length());
    byte[] length = {(byte) 138, 0, 0, 0, 0, 0, 0, 0};
    SafetensorsFile file = Safetensors.read(write(concat(length, ascii(header), KNOWN_DATA)));
    assertEquals(List.of("a", "b"), List.copyOf(file.tensors().keySet()));
    assertArrayEquals(new float[] {1.5f, -2f}, file.tensors().get("a").toFloats());
    assertArrayEquals(new int[] {2}, file.tensors().get("a").shape());
    assertArrayEquals(new long[] {7}, file.tensors().get("b").toLongs());
    assertArrayEquals(new int[] {}, file.tensors().get("b").shape());
    assertEquals(Map.of("format", "pt"), file.metadata());
  }

  @Test
  void writesTheExactBytesOfTheFormat() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Safetensors.writeTo(out, known(), Map.of());
    String header = "{\"__metadata__\":{\"jgrad.file_crc32c\":\"CRC_HERE\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
    String padded = header + " ".repeat(7 - (header.length() + 7) % 8);
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length()).array();
    assertEquals(0, padded.length() % 8);
    // The CRC32C of the whole file, computed with its own digits as zeros.
    CRC32C crc = new CRC32C();
    crc.update(concat(length, ascii(padded.replace("CRC_HERE", "00000000")), KNOWN_DATA));
    String signed = padded.replace("CRC_HERE", String.format("%08x", crc.getValue()));
    assertArrayEquals(concat(length, ascii(signed), KNOWN_DATA), out.toByteArray());
  }

  @Test
  void roundTripKeepsOrderDtypesShapesAndMetadata() {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("layers.1.weight", TensorData.ofFloats(new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f}));
    tensors.put("layers.0.bias", TensorData.ofDoubles(new int[] {}, new double[] {Math.PI}));
    tensors.put("empty", TensorData.ofInts(new int[] {0, 4}, new int[0]));
    tensors.put("step", TensorData.ofLongs(new int[] {2}, new long[] {Long.MIN_VALUE, 42}));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("z", "last?");
    metadata.put("a", "ünïcode");
    SafetensorsFile read = Safetensors.read(save(tensors, metadata));
    assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()));
    assertArrayEquals(tensors.get("layers.1.weight").toFloats(), read.tensors().get("layers.1.weight").toFloats());
    assertArrayEquals(new int[] {2, 3}, read.tensors().get("layers.1.weight").shape());
    assertArrayEquals(new double[] {Math.PI}, read.tensors().get("layers.0.bias").toDoubles());
    assertArrayEquals(new int[] {0, 4}, read.tensors().get("empty").shape());
    assertArrayEquals(new long[] {Long.MIN_VALUE, 42}, read.tensors().get("step").toLongs());
    assertEquals(List.of("z", "a", Safetensors.CHECKSUM_KEY), List.copyOf(read.metadata().keySet()));
    assertEquals("ünïcode", read.metadata().get("a"));
  }

  @Test
  void flippedDataByteFailsTheChecksum() throws IOException {
    Path file = save(known(), Map.of());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().startsWith(file + ": checkpoint corrupt: checksum mismatch (jgrad.file_crc32c "),
        e.getMessage());
  }

  /** The checksum covers the header: a metadata value edited in place (same length, valid JSON) fails it. */
  @Test
  void anEditedMetadataValueFailsTheChecksum() throws IOException {
    Path file = save(known(), Map.of("jgrad.epochs", "3"));
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("\"jgrad.epochs\":\"3\""), text);
    String edited = text.replace("\"jgrad.epochs\":\"3\"", "\"jgrad.epochs\":\"9\"");
    Files.write(file, edited.getBytes(StandardCharsets.ISO_8859_1));
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    // A shape edited to another of the same byte count passes the structural checks, not the checksum.
    Path shaped = save(Map.of("w", TensorData.ofFloats(new int[] {2, 3}, new float[6])), Map.of());
    String s = new String(Files.readAllBytes(shaped), StandardCharsets.ISO_8859_1);
    Files.write(shaped, s.replace("\"shape\":[2,3]", "\"shape\":[3,2]").getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(InvalidFileException.class, () -> Safetensors.read(shaped));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  /** Files written before the whole-file checksum hold a CRC32C of the data alone, still verified. */
  @Test
  void aDataOnlyChecksumIsStillVerified() throws IOException {
    String header = "{\"__metadata__\":{\"jgrad.crc32c\":\"0c292c40\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array();
    Path file = write(concat(length, ascii(header), KNOWN_DATA));
    assertEquals(2, Safetensors.read(file).tensors().size());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    assertError("checkpoint corrupt: checksum mismatch (jgrad.crc32c 0c292c40, data fe42af43)", file);
  }

  @Test
  void rejectsBadFiles() throws IOException {
    assertError("file is 5 bytes, too short for the 8-byte header length", write(new byte[5]));
    assertError("not a safetensors file (or a damaged one): header length 0 at offset 0, expected 2..100000000",
        write(new byte[8]));
    assertError("header length 256 at offset 0 runs past the end of the file (24 bytes)", write(concat(new byte[] {0, 1, 0, 0, 0, 0, 0, 0}, new byte[16])));
    assertError("not a safetensors file (or a damaged one): header length -1 at offset 0, expected 2..100000000",
        write(concat(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, new byte[16])));
    assertError("no such file", dir.resolve("absent.safetensors"));
    // 00 00 00 7b would make Jackson guess UTF-32; the format is UTF-8 only.
    assertError("header is not valid UTF-8", write(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, '{', (byte) 0xff, '}', ' '}));
  }

  @Test
  void rejectsBadHeaders() {
    assertHeaderError("header is not a JSON object", "[1]", 0);
    assertHeaderError("invalid JSON header: Unexpected end-of-input: expected close marker for Object at header char 6", "{\"a\":{", 0);
    assertHeaderError("invalid JSON header: Unexpected character ('x' (code 120)): was expecting double-quote to start field name"
        + " at header char 1", "{x}", 0);
    assertHeaderError("header has content after its JSON object", "{} {}", 0);
    assertHeaderError("tensor 'w': unsupported dtype 'F8_E4M3', expected one of [F32, F64, BF16, F16, I32, I64]", entry("F8_E4M3", "[2]", "[0,4]"), 4);
    assertHeaderError("tensor 'w': data_offsets [0, 4] hold 4 bytes but F32 shape [2] needs 8", entry("F32", "[2]", "[0,4]"), 4);
    assertHeaderError("tensor 'w': data_offsets [4, 0], expected [begin, end] with begin <= end", entry("F32", "[1]", "[4,0]"), 4);
    assertHeaderError("tensor 'w': data_offsets [0, 8] run past the end of the data region (4 bytes)", entry("F32", "[2]", "[0,8]"), 4);
    assertHeaderError("bytes 4..8 of the data region belong to no tensor", entry("F32", "[1]", "[0,4]"), 8);
    assertHeaderError("bytes 0..4 of the data region belong to no tensor", entry("F32", "[1]", "[4,8]"), 8);
    assertHeaderError("tensor 'w': shape value -2 out of range 0..2147483647", entry("F32", "[-2]", "[0,4]"), 4);
    assertHeaderError("tensor 'w': shape must hold only integers", entry("F32", "[1.0]", "[0,4]"), 4);
    assertHeaderError("tensor 'w': data_offsets [0, 4] hold 4 bytes but F32 shape [65536, 65536, 65536, 65536] needs too many",
        entry("F32", "[65536,65536,65536,65536]", "[0,4]"), 4);
    assertHeaderError("tensor 'w': unknown field 'extra'", "{\"w\":{\"dtype\":\"F32\",\"extra\":1}}", 0);
    assertHeaderError("tensor 'w': entry needs dtype, shape and data_offsets", "{\"w\":{\"dtype\":\"F32\"}}", 0);
    assertHeaderError("__metadata__ value of 'k' is not a string", "{\"__metadata__\":{\"k\":1}}", 0);
    assertHeaderError("duplicate entry 'w' in the header",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
    assertHeaderError("tensor 'v': data_offsets [2, 6] overlap tensor 'w' [0, 4]",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8);
  }

  /** Past Jackson's limits, its exception has no location: the message must still be one line, not an NPE's. */
  @Test
  void valuesPastTheJsonReadersLimitsAreOneLineErrors() {
    assertHeaderError("header exceeds the JSON reader's limits: Number value length (1200) exceeds the maximum allowed "
        + "(1000)", entry("F32", "[" + "1".repeat(1200) + "]", "[0,4]"), 4);
    String longName = "{\"" + "n".repeat(60_000) + "\":{}}";
    byte[] json = ascii(longName);
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array();
    InvalidFileException e =
        assertThrows(InvalidFileException.class, () -> Safetensors.read(write(concat(length, json))));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().contains(": header exceeds the JSON reader's limits: Name length"), e.getMessage());
  }

  @Test
  void refusesTheReservedName() {
    Map<String, TensorData> tensors = Map.of("__metadata__", TensorData.ofInts(new int[] {1}, new int[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Safetensors.writeTo(new ByteArrayOutputStream(), tensors, Map.of()));
  }

  private static Map<String, TensorData> known() {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("a", TensorData.ofFloats(new int[] {2}, new float[] {1.5f, -2f}));
    tensors.put("b", TensorData.ofLongs(new int[] {}, new long[] {7}));
    return tensors;
  }

  private static String entry(String dtype, String shape, String offsets) {
    return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
  }

  /** A file of {@code header} followed by {@code dataBytes} zero bytes fails with {@code detail}. */
  private void assertHeaderError(String detail, String header, int dataBytes) {
    byte[] json = ascii(header);
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array();
    try {
      assertError(detail, write(concat(length, json, new byte[dataBytes])));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertError(String detail, Path file) {
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> Safetensors.read(file));
    assertEquals(file + ": " + detail, e.getMessage());
  }

  private Path save(Map<String, TensorData> tensors, Map<String, String> metadata) {
    Path file = dir.resolve("model.safetensors");
    try {
      Safetensors.write(file, tensors, metadata);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(dir.resolve("file.safetensors"), bytes);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
