package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code jgrad} command run in this JVM, as a user or a script sees it: exit code, stdout, stderr. */
public record CliRun(int code, String out, String err) {
  /**
   * A small MLP on one CPU thread at a constant rate, without a progress bar: quick, and a run saved and resumed ends as
   * the uninterrupted one (a cosine schedule is planned over the epochs given).
   */
  static final String[] SMALL_CONSTANT_RATE = {"--hidden", "64", "--threads", "1", "--backend", "cpu", "--no-progress",
    "--schedule", "constant"};

  /** Runs {@code jgrad args...} as {@link #SMALL_CONSTANT_RATE}'s run, which must succeed, and gives its summary. */
  static Map<String, String> smallSummary(String... args) throws IOException {
    return summaryOf(args, SMALL_CONSTANT_RATE);
  }

  /** Runs {@code jgrad args...}; synchronized because it swaps the process-wide System.out and System.err. */
  public static synchronized CliRun run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Jgrad.run(args);
      return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** Runs {@code jgrad base... more...}: a command line shared by several runs, plus this run's own arguments. */
  public static CliRun run(String[] base, String... more) {
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return run(all);
  }

  public List<String> lines() {
    return out.lines().toList();
  }

  /** The error lines that jgrad itself printed ("jgrad train: ..."), without log lines or JVM warnings. */
  public String errorLine() {
    return err.lines().filter(l -> l.startsWith("jgrad ")).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** The top-level fields of the last line of stdout, parsed as JSON. */
  public Map<String, String> summary() throws IOException {
    List<String> lines = lines();
    return fields(lines.get(lines.size() - 1));
  }

  /** Runs {@code jgrad base... more...}, which must succeed (else its stderr is the failure), and gives its summary. */
  public static Map<String, String> summaryOf(String[] base, String... more) throws IOException {
    CliRun r = run(base, more);
    assertEquals(0, r.code(), r.err());
    return r.summary();
  }

  /** The top-level fields of each line of a JSON-lines file ({@code --metrics run.jsonl}: one line an epoch). */
  public static List<Map<String, String>> jsonLines(Path file) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(fields(line));
    }
    return out;
  }

  /**
   * The fields holding a value (not an object or array) of the object inside one JSON line that {@code path} names,
   * object by object ({@code object(line, "per_target", "price")}), in order; empty where there is none.
   */
  public static Map<String, String> object(String line, String... path) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(line)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      return object(p, path, 0);
    }
  }

  /** The rest of the object {@code p} is inside, or of the object in it named {@code path[depth]}. */
  private static Map<String, String> object(JsonParser p, String[] path, int depth) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> found = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.getCurrentName();
      JsonToken value = p.nextToken();
      if (depth < path.length && name.equals(path[depth]) && value == JsonToken.START_OBJECT) {
        found = object(p, path, depth + 1);
      } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else {
        fields.put(name, p.getValueAsString());
      }
    }
    return depth == path.length ? fields : found;
  }

  /** The top-level fields of one JSON line; nested objects and arrays are skipped. */
  public static Map<String, String> fields(String line) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(line)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else {
          fields.put(name, p.getValueAsString());
        }
      }
    }
    return fields;
  }
}
