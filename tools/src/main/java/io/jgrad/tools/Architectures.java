package io.jgrad.tools;

import io.jgrad.io.InvalidFileException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The architecture kinds a model file may name in {@code jgrad.model.kind}, each with the reader of its record. A new
 * kind adds one entry here and a record like {@link MlpSpec}, {@link CnnSpec} or
 * {@link ResNetSpec}.
 */
public final class Architectures {
  private static final Map<String, Function<Fields, Architecture>> KINDS =
      Map.of(MlpSpec.KIND, MlpSpec::fromMetadata, CnnSpec.KIND, CnnSpec::fromMetadata, ResNetSpec.KIND,
          ResNetSpec::fromMetadata);

  private Architectures() {}

  /**
   * The architecture a model file's metadata describes.
   *
   * @param source the file, for error messages
   */
  public static Architecture fromMetadata(Map<String, String> metadata, String source) {
    Fields fields = new Fields(metadata, source);
    String kind = fields.text("kind");
    Function<Fields, Architecture> reader = KINDS.get(kind);
    if (reader == null) {
      throw new InvalidFileException(source, "unknown model kind '" + kind + "' (known: "
          + String.join(", ", KINDS.keySet().stream().sorted().toList()) + ")");
    }
    try {
      return reader.apply(fields);
    } catch (IllegalArgumentException e) { // a record that refuses its values: the file holds a bad model
      throw new InvalidFileException(source, e.getMessage(), e);
    }
  }

  /** "1,28,28": how integer lists are written in metadata. */
  static String ints(int[] values) {
    return String.join(",", Arrays.stream(values).mapToObj(Integer::toString).toList());
  }

  /** An architecture's metadata entries, read by name without the prefix; a missing or bad one names the file. */
  public static final class Fields {
    private final Map<String, String> metadata;
    private final String source;

    Fields(Map<String, String> metadata, String source) {
      this.metadata = metadata;
      this.source = source;
    }

    public String text(String name) {
      String v = metadata.get(Architecture.PREFIX + name);
      if (v == null) {
        throw new InvalidFileException(source, "not a jgrad model file: metadata " + Architecture.PREFIX + name
            + " is missing");
      }
      return v;
    }

    public double number(String name) {
      String v = text(name);
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new InvalidFileException(source, "metadata " + Architecture.PREFIX + name + " is '" + v
            + "', expected a number");
      }
    }

    /** A comma-separated list; empty for "". */
    public int[] ints(String name) {
      String v = text(name);
      try {
        return v.isEmpty() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
      } catch (NumberFormatException e) {
        throw new InvalidFileException(source, "metadata " + Architecture.PREFIX + name + " is '" + v
            + "', expected integers separated by commas");
      }
    }
  }
}
