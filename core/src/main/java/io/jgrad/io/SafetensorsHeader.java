package io.jgrad.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, both ways: {@link #encode} writes it (padded with spaces so
 * the data starts 8-byte aligned), {@link #parse} reads it and proves that the entries tile the data
 * region exactly — known dtypes, sizes matching shapes, no overlap, no gap, nothing past the end.
 */
final class SafetensorsHeader {
  static final String METADATA = "__metadata__";
  private static final JsonFactory JSON = new JsonFactory();

  /** One tensor's header entry; {@code begin}/{@code end} are byte offsets into the data region. */
  record Entry(String name, SafetensorsDtype dtype, int[] shape, long begin, long end) {
    int byteCount() {
      return (int) (end - begin);
    }
  }

  private final List<Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Entries in header order. */
  List<Entry> entries() {
    return entries;
  }

  Map<String, String> metadata() {
    return metadata;
  }

  /** Entries in data order: they tile the data region from 0 to its end. */
  List<Entry> entriesByOffset() {
    return byOffset(entries);
  }

  private static List<Entry> byOffset(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    return sorted;
  }

  /** UTF-8 JSON for these tensors (data laid out in map order), space-padded to a multiple of 8 bytes. */
  static byte[] encode(Map<String, TensorData> tensors, Map<String, String> metadata) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeObjectFieldStart(METADATA);
      for (Map.Entry<String, String> m : metadata.entrySet()) {
        json.writeStringField(m.getKey(), m.getValue());
      }
      json.writeEndObject();
      long offset = 0;
      for (Map.Entry<String, TensorData> t : tensors.entrySet()) {
        TensorData tensor = t.getValue();
        json.writeObjectFieldStart(t.getKey());
        json.writeStringField("dtype", tensor.dtype().name());
        json.writeFieldName("shape");
        int[] shape = tensor.shape();
        json.writeArray(shape, 0, shape.length);
        json.writeFieldName("data_offsets");
        json.writeArray(new long[] {offset, offset + tensor.bytes().length}, 0, 2);
        json.writeEndObject();
        offset += tensor.bytes().length;
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory cannot fail", e);
    }
    while (bytes.size() % 8 != 0) {
      bytes.write(' ');
    }
    return bytes.toByteArray();
  }

  /**
   * Parses and validates {@code json}, the header of {@code file} whose data region (what follows the
   * header) is {@code dataLength} bytes long.
   */
  static SafetensorsHeader parse(String file, byte[] json, long dataLength) {
    Fail fail = new Fail(file);
    String text;
    try {
      // The format says UTF-8; left to itself, Jackson would guess UTF-16 or UTF-32 from the first bytes.
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json)).toString();
    } catch (CharacterCodingException e) {
      throw fail.at("header is not valid UTF-8");
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw fail.at("header is not a JSON object");
      }
      Map<String, Boolean> seen = new LinkedHashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (seen.put(name, Boolean.TRUE) != null) {
          throw fail.at("duplicate entry '" + name + "' in the header");
        }
        parser.nextToken();
        if (name.equals(METADATA)) {
          parseMetadata(parser, fail, metadata);
        } else {
          entries.add(parseEntry(parser, fail.forEntry(name), name));
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw fail.at("header has content after its JSON object");
      }
      validateLayout(fail, entries, dataLength);
    } catch (StreamConstraintsException e) {
      // A number, name or string past the reader's limits; this exception carries no location.
      throw fail.at("header exceeds the JSON reader's limits: " + withoutSetting(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      // Jackson appends where an unclosed object started, with a long "[Source: ...]": the byte offset says enough.
      String what = e.getOriginalMessage().replaceAll(" \\(start marker at .*", "");
      throw fail.at("invalid JSON header: " + what
          + (e.getLocation() == null ? "" : " at header char " + e.getLocation().getCharOffset()));
    } catch (IOException e) {
      throw fail.at("invalid JSON header: " + e.getMessage());
    }
    return new SafetensorsHeader(List.copyOf(entries), metadata);
  }

  /** Jackson's limit messages name the Java setting that raises them, which a reader of a file cannot change. */
  private static String withoutSetting(String message) {
    return message.replaceAll(", from `[^`]*`", "");
  }

  private static void parseMetadata(JsonParser parser, Fail fail, Map<String, String> metadata) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw fail.at(METADATA + " is not an object");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (parser.nextToken() != JsonToken.VALUE_STRING) {
        throw fail.at(METADATA + " value of '" + key + "' is not a string");
      }
      if (metadata.put(key, parser.getText()) != null) {
        throw fail.at("duplicate " + METADATA + " key '" + key + "'");
      }
    }
  }

  private static Entry parseEntry(JsonParser parser, Fail fail, String name) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw fail.at("entry is not an object");
    }
    SafetensorsDtype dtype = null;
    long[] shape = null;
    long[] offsets = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "dtype" -> {
          if (dtype != null || parser.currentToken() != JsonToken.VALUE_STRING) {
            throw fail.at("dtype must be given once, as a string");
          }
          String code = parser.getText();
          dtype =
              SafetensorsDtype.fromCode(code)
                  .orElseThrow(() -> fail.at("unsupported dtype '" + code + "', expected one of "
                      + Arrays.toString(SafetensorsDtype.values())));
        }
        case "shape" -> shape = parseNaturals(parser, fail, field, shape, Integer.MAX_VALUE);
        case "data_offsets" -> offsets = parseNaturals(parser, fail, field, offsets, Long.MAX_VALUE);
        default -> throw fail.at("unknown field '" + field + "'");
      }
    }
    if (dtype == null || shape == null || offsets == null) {
      throw fail.at("entry needs dtype, shape and data_offsets");
    }
    if (offsets.length != 2 || offsets[0] > offsets[1]) {
      throw fail.at("data_offsets " + Arrays.toString(offsets) + ", expected [begin, end] with begin <= end");
    }
    int[] dims = Arrays.stream(shape).mapToInt(d -> (int) d).toArray();
    long count = TensorData.elementCount(dims);
    long needed = count < 0 ? -1 : count * dtype.bytes();
    if (needed != offsets[1] - offsets[0]) {
      throw fail.at(
          "data_offsets " + Arrays.toString(offsets) + " hold " + (offsets[1] - offsets[0]) + " bytes but "
              + dtype + " shape " + Arrays.toString(dims) + " needs " + (needed < 0 ? "too many" : needed));
    }
    return new Entry(name, dtype, dims, offsets[0], offsets[1]);
  }

  /** A JSON array of integers in [0, max], given at most once for its field. */
  private static long[] parseNaturals(JsonParser parser, Fail fail, String field, long[] previous, long max)
      throws IOException {
    if (previous != null || parser.currentToken() != JsonToken.START_ARRAY) {
      throw fail.at(field + " must be given once, as an array");
    }
    List<Long> values = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      long value = parser.getLongValue();
      if (value < 0 || value > max) {
        throw fail.at(field + " value " + value + " out of range 0.." + max);
      }
      values.add(value);
    }
    if (parser.currentToken() != JsonToken.END_ARRAY) {
      throw fail.at(field + " must hold only integers");
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** The entries must cover [0, dataLength) exactly once, and each must fit in one Java array. */
  private static void validateLayout(Fail fail, List<Entry> entries, long dataLength) {
    long next = 0;
    Entry previous = null;
    for (Entry e : byOffset(entries)) {
      Fail at = fail.forEntry(e.name());
      String range = "data_offsets [" + e.begin() + ", " + e.end() + "]";
      if (e.end() > dataLength) {
        throw at.at(range + " run past the end of the data region (" + dataLength + " bytes)");
      }
      if (e.end() - e.begin() > Integer.MAX_VALUE - 8) {
        throw at.at(range + " exceed the largest Java array");
      }
      if (e.begin() < next) {
        throw at.at(range + " overlap tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end()
            + "]");
      }
      if (e.begin() > next) {
        throw fail.at("bytes " + next + ".." + e.begin() + " of the data region belong to no tensor");
      }
      next = e.end();
      previous = e;
    }
    if (next != dataLength) {
      throw fail.at("bytes " + next + ".." + dataLength + " of the data region belong to no tensor");
    }
  }

  /** Makes the one-line errors: the file, and the entry when there is one. */
  private record Fail(String file, String entry) {
    Fail(String file) {
      this(file, null);
    }

    Fail forEntry(String name) {
      return new Fail(file, name);
    }

    InvalidFileException at(String detail) {
      return new InvalidFileException(file, entry == null ? detail : "tensor '" + entry + "': " + detail);
    }
  }
}
