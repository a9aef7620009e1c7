package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 3,000 seeded corruptions of a valid safetensors file: raw byte damage, and edits of the JSON header
 * text (numbers, dtypes, brackets) with the length field kept consistent half of the time so the
 * validation behind the JSON parser is reached. Each must load or fail with {@link InvalidFileException}
 * in one line, allocating no more than a small bound (the file is under 1 KB).
 */
class SafetensorsFuzzTest {
  private static final int CASES = 3_000;
  private static final long ALLOCATION_BOUND = 1_000_000;
  private static final String[] SNIPPETS = {
    "", "-1", "0", "1", "7", "4294967296", "9223372036854775807", "18446744073709551616", "1e3", "null", "\"F16\"",
    "\"I64\"", "\"F32\"", "[", "]", "{", "}", ",", ":", "\"w\"", "\"__metadata__\"", "[0,8]", "[8,0]", "[]", "[2,2]"
  };

  @Test
  void mutatedFilesLoadOrFailWithTheDocumentedError() throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("w", TensorData.ofFloats(new int[] {2, 2}, new float[] {1, 2, 3, 4}));
    tensors.put("b", TensorData.ofDoubles(new int[] {1}, new double[] {5}));
    tensors.put("n", TensorData.ofLongs(new int[] {}, new long[] {6}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Safetensors.writeTo(out, tensors, Map.of("epoch", "3"));
    byte[] valid = out.toByteArray();

    Random random = new Random(20261125);
    Safetensors.read("warm-up", new ByteArrayChannel(valid)); // class loading must not count as allocation
    int errors = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = random.nextBoolean() ? Mutations.mutate(valid, random) : editHeader(valid, random);
      long before = AllocationMeter.threadAllocatedBytes();
      try {
        Safetensors.read("fuzzed", new ByteArrayChannel(bytes));
      } catch (InvalidFileException e) {
        errors++;
        assertTrue(e.getMessage().startsWith("fuzzed: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      } catch (IOException | RuntimeException | Error e) {
        fail("case " + i + ": " + e, e);
      }
      long allocated = AllocationMeter.threadAllocatedBytes() - before;
      assertTrue(allocated < ALLOCATION_BOUND, "case " + i + " allocated " + allocated);
    }
    assertTrue(errors > CASES / 2, errors + " errors");
  }

  /** Replaces a random span of the header text by a snippet; rewrites the length field half of the time. */
  private static byte[] editHeader(byte[] valid, Random random) {
    int headerLength = (int) ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(valid, 8, headerLength, StandardCharsets.UTF_8);
    int from = random.nextInt(header.length());
    int to = Math.min(header.length(), from + random.nextInt(6));
    String edited = header.substring(0, from) + SNIPPETS[random.nextInt(SNIPPETS.length)] + header.substring(to);
    byte[] json = edited.getBytes(StandardCharsets.UTF_8);
    long length = random.nextBoolean() ? json.length : headerLength;
    byte[] data = Arrays.copyOfRange(valid, 8 + headerLength, valid.length);
    return SafetensorsTest.concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array(), json, data);
  }
}
