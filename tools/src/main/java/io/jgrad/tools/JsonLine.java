package io.jgrad.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** One JSON object on one line, the format of metrics files, the train summary and every benchmark. */
public final class JsonLine {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonLine() {}

  /**
   * Values may be strings, numbers, booleans, nested maps, lists, int[] or long[] arrays, or null; non-finite numbers
   * become null.
   */
  public static String of(Map<String, ?> fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Map<String, ?> fields) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> nested = (Map<String, ?>) m;
      write(g, nested);
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        writeValue(g, item);
      }
      g.writeEndArray();
    } else if (v instanceof long[] longs) {
      g.writeArray(longs, 0, longs.length);
    } else if (v instanceof int[] ints) {
      g.writeArray(ints, 0, ints.length);
    } else if (v instanceof Double d && !Double.isFinite(d)) {
      g.writeNull();
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Float f) {
      g.writeNumber(f);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v == null) {
      g.writeNull();
    } else {
      g.writeString(v.toString());
    }
  }
}
