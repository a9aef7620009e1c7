package io.jgrad.tools;

import io.jgrad.data.CsvLine;
import io.jgrad.io.AtomicFiles;
import io.jgrad.io.IoErrors;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends one CSV row per epoch to a file ({@code --metrics FILE.csv}), for spreadsheets and pandas: the context
 * columns, then the scalar fields of {@link MetricsFile#fields} (per-layer gradient norms are left to the JSON-lines
 * file). The header is written when the file is new or empty, and an existing file's header must be this run's
 * ({@link #checkColumns}); a missing value (no test set) is an empty cell.
 */
public final class CsvMetricsFile implements TrainListener {
  private final Path file;
  private final Map<String, Object> context;

  public CsvMetricsFile(Path file) {
    this(file, Map.of());
  }

  /** @param context columns repeated on every row (dataset, backend) */
  public CsvMetricsFile(Path file, Map<String, Object> context) {
    this.file = file;
    this.context = new LinkedHashMap<>(context);
  }

  /**
   * Refuses, before any epoch, a file whose header is not the one this fit's rows have ({@code validation}: whether
   * the fit has validation data, which adds two columns): appended under another header, every cell after the first
   * difference would sit under the wrong name. Each row is checked again as it is written; this says it before an
   * epoch is spent.
   */
  public void checkColumns(boolean validation) {
    checkColumns(validation, false);
  }

  /** {@link #checkColumns(boolean)}, where {@code ranked} says the fit ranks its validation data (two more columns). */
  public void checkColumns(boolean validation, boolean ranked) {
    double v = validation ? 0 : Double.NaN;
    double r = ranked ? 0 : Double.NaN;
    checkHeader(row(new EpochMetrics(1, 0, 0, 0, v, v, r, r, 0, 0, 0, 0, 0, Map.of())).keySet());
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    Map<String, Object> row = row(m);
    checkHeader(row.keySet());
    List<String> cells = new ArrayList<>();
    row.values().forEach(v -> cells.add(cell(v)));
    try {
      String text = String.join(",", cells) + "\n";
      if (!Files.exists(file) || Files.size(file) == 0) {
        text = String.join(",", row.keySet()) + "\n" + text;
      }
      // Atomic: a full disk or a crash leaves the rows written so far, never half a row.
      AtomicFiles.append(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to metrics file " + file + ": " + IoErrors.reason(e), e);
    }
  }

  /** The context columns, then the scalar fields of {@code m}. */
  private Map<String, Object> row(EpochMetrics m) {
    Map<String, Object> row = new LinkedHashMap<>(context);
    MetricsFile.fields(m).forEach((k, v) -> {
      if (!(v instanceof Map<?, ?>)) {
        row.put(k, v);
      }
    });
    return row;
  }

  /** Throws, naming the columns that differ, when the file has a header other than {@code columns}. */
  private void checkHeader(Set<String> columns) {
    if (!Files.isRegularFile(file)) {
      return; // new, or not a file (a FIFO would block the read): the append says what is wrong with it
    }
    String header;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = in.readLine();
    } catch (NoSuchFileException e) {
      return; // removed since: this run writes the header
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metrics file " + file + ": " + IoErrors.reason(e), e);
    }
    String ours = String.join(",", columns);
    if (header == null || header.isEmpty() || header.equals(ours)) {
      return;
    }
    List<String> theirs = List.of(header.split(",", -1));
    List<String> added = columns.stream().filter(c -> !theirs.contains(c)).toList();
    List<String> lacking = theirs.stream().filter(c -> !columns.contains(c)).toList();
    List<String> differences = new ArrayList<>();
    if (!added.isEmpty()) {
      differences.add("this run adds " + String.join(", ", added));
    }
    if (!lacking.isEmpty()) {
      differences.add("this run lacks " + String.join(", ", lacking));
    }
    String difference = differences.isEmpty() ? "the same columns in another order" : String.join(" and ", differences);
    throw new IllegalArgumentException("metrics file " + file + " has a header of other columns (" + difference
        + "): a CSV's columns cannot change, so give a new file");
  }

  /** RFC 4180: a text with a comma, quote or line break is quoted, its quotes doubled; NaN is an empty cell. */
  private static String cell(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return "";
    }
    return CsvLine.quote(String.valueOf(v));
  }
}
