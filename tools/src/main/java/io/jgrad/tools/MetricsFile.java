package io.jgrad.tools;

import io.jgrad.io.AtomicFiles;
import io.jgrad.io.IoErrors;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends one JSON object per epoch to a file ({@code --metrics FILE.jsonl}): {@code event:"epoch"}, the context
 * fields, then {@link #fields}.
 */
public final class MetricsFile implements TrainListener {
  private final Path file;
  private final Map<String, Object> context;

  /** Appends to {@code file} with no context fields. */
  public MetricsFile(Path file) {
    this(file, Map.of());
  }

  /** @param context fields repeated on every line (dataset, backend) */
  public MetricsFile(Path file, Map<String, Object> context) {
    this.file = file;
    this.context = new LinkedHashMap<>(context);
  }

  /** An epoch's measurements by their JSON names (snake case), in a fixed order. */
  public static Map<String, Object> fields(EpochMetrics m) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("epoch", m.epoch());
    f.put("train_loss", m.trainLoss());
    f.put("test_loss", m.testLoss());
    f.put("test_accuracy", m.testAccuracy());
    if (!Double.isNaN(m.validationLoss())) {
      f.put("validation_loss", m.validationLoss());
      f.put("validation_accuracy", m.validationAccuracy());
    }
    if (!Double.isNaN(m.validationMacroF1()) || !Double.isNaN(m.validationRocAuc())) {
      f.put("validation_macro_f1", m.validationMacroF1());
      f.put("validation_roc_auc", m.validationRocAuc());
    }
    f.put("lr", m.lr());
    f.put("samples_per_sec", m.samplesPerSec());
    f.put("seconds", m.seconds());
    f.put("peak_activation_bytes", m.peakActivationBytes());
    f.put("skipped_steps", m.skippedSteps());
    f.put("grad_norms", new LinkedHashMap<>(m.gradNorms()));
    return f;
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "epoch");
    line.putAll(context);
    line.putAll(fields(m));
    try {
      // Atomic: a full disk or a crash leaves the lines written so far, never half a JSON object.
      AtomicFiles.append(file, (JsonLine.of(line) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to metrics file " + file + ": " + IoErrors.reason(e), e);
    }
  }
}
