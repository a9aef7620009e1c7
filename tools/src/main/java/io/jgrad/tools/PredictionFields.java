package io.jgrad.tools;

import io.jgrad.train.MultiLabelReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One example's answer as JSON fields, the same for {@code jgrad predict}'s lines and {@link PredictionServer}'s
 * responses: a classifier's class, its probability and the likeliest classes; a multi-label model's labels present and
 * each label's probability; a regression model's value.
 */
public final class PredictionFields {
  private PredictionFields() {}

  /** {@code label}, {@code class}, {@code probability}, and {@code top}: the {@code topK} likeliest classes. */
  public static Map<String, Object> of(Prediction p, int topK) {
    List<Map<String, Object>> top = new ArrayList<>();
    for (int c : p.top(topK)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("label", c);
      entry.put("class", p.classNames().get(c));
      entry.put("probability", (double) p.probabilities()[c]);
      top.add(entry);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("label", p.label());
    f.put("class", p.className());
    f.put("probability", p.probability());
    f.put("top", top);
    return f;
  }

  /**
   * Example {@code row}'s answer from a multi-label model's probabilities ({@link Predictor#labelProbabilities},
   * row-major): {@code labels}, those above 0.5 in the model's order, and {@code probabilities} by label.
   */
  public static Map<String, Object> labels(List<String> labels, float[] probabilities, int row) {
    return labels(labels, probabilities, row, MultiLabelReport.THRESHOLD);
  }

  /** As {@link #labels(List, float[], int)}, the labels present those whose probability is above {@code threshold}. */
  public static Map<String, Object> labels(List<String> labels, float[] probabilities, int row, double threshold) {
    List<String> present = new ArrayList<>();
    Map<String, Object> byName = new LinkedHashMap<>();
    for (int l = 0; l < labels.size(); l++) {
      float p = probabilities[row * labels.size() + l];
      if (MultiLabelReport.present(p, threshold)) {
        present.add(labels.get(l));
      }
      byName.put(labels.get(l), (double) p);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("labels", present);
    f.put("probabilities", byName);
    return f;
  }

  /**
   * Example {@code row}'s values of a regression model's outputs ({@link Predictor#values}, row-major): {@code target}
   * and {@code value} for one target, {@code values} by name for several.
   */
  public static Map<String, Object> values(List<String> targets, float[] values, int row) {
    Map<String, Object> f = new LinkedHashMap<>();
    if (targets.size() == 1) {
      f.put("target", targets.get(0));
      f.put("value", values[row]);
    } else {
      Map<String, Object> byName = new LinkedHashMap<>();
      for (int t = 0; t < targets.size(); t++) {
        byName.put(targets.get(t), values[row * targets.size() + t]);
      }
      f.put("values", byName);
    }
    return f;
  }

  /**
   * Example {@code row}'s integrated gradients ({@link IntegratedGradients#explain}) as fields: {@code attributions}
   * (by input column, a table's; or a list in the input's order, an image's pixels), {@code baseline} (the output at
   * the training data's average example) and {@code delta} (the attributions' sum less the output's change from the
   * baseline); each an object by output name where several outputs are explained (a multi-label or multi-target
   * model's).
   *
   * @param columns the model's input columns ({@link ModelFile#inputColumns}); empty for an image model
   */
  public static Map<String, Object> attributions(List<IntegratedGradients.Attribution> row,
      Map<String, int[]> columns) {
    Map<String, Object> attributions = new LinkedHashMap<>();
    Map<String, Object> baselines = new LinkedHashMap<>();
    Map<String, Object> deltas = new LinkedHashMap<>();
    for (IntegratedGradients.Attribution a : row) {
      attributions.put(a.output(), columns.isEmpty() ? Arrays.stream(a.features()).boxed().toList()
          : a.byColumn(columns));
      baselines.put(a.output(), a.baselineValue());
      deltas.put(a.output(), a.delta());
    }
    Map<String, Object> f = new LinkedHashMap<>();
    boolean one = row.size() == 1;
    f.put("attributions", one ? attributions.values().iterator().next() : attributions);
    f.put("baseline", one ? baselines.values().iterator().next() : baselines);
    f.put("delta", one ? deltas.values().iterator().next() : deltas);
    return f;
  }
}
