package io.jgrad.tools;

import io.jgrad.io.AtomicFiles;
import io.jgrad.io.IoErrors;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends one CSV row per epoch to a file ({@code --metrics FILE.csv}), for spreadsheets and pandas: the context
 * columns, then the scalar fields of {@link MetricsFile#fields} (per-layer gradient norms are left to the JSON-lines
 * file). The header is written when the file is new or empty; a missing value (no test set) is an empty cell.
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

  @Override
  public void epochFinished(EpochMetrics m) {
    Map<String, Object> row = new LinkedHashMap<>(context);
    MetricsFile.fields(m).forEach((k, v) -> {
      if (!(v instanceof Map<?, ?>)) {
        row.put(k, v);
      }
    });
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

  /** RFC 4180: a text with a comma, quote or line break is quoted, its quotes doubled; NaN is an empty cell. */
  private static String cell(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return "";
    }
    String s = String.valueOf(v);
    return s.matches("[^\",\r\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
