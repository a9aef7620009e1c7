package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Integrated gradients (Sundararajan, Taly and Yan, 2017; Captum's {@code IntegratedGradients}): how much each input
 * feature moved one of a model's outputs away from its value at a baseline, the output's gradient integrated along
 * the straight path from the baseline to the example, times the feature's distance from the baseline. The baseline is
 * the training data's average example (every standardised feature 0), so a feature at its training mean is given
 * nothing. The integral is the midpoint rule over {@code steps} points of the path (Captum's {@code riemann_middle});
 * the attributions of an example add up to its output minus the baseline's, up to that rule's error ({@link
 * Attribution#delta}, Captum's convergence delta). Standardisation is affine, so the attributions are the same in the
 * features' own units.
 *
 * <p>The output explained is a classifier's probability of the class it predicts, each probability of a multi-label
 * model's labels, or each value of a regression model's targets in their units.
 */
public final class IntegratedGradients {
  /** Captum's default number of steps. */
  public static final int DEFAULT_STEPS = 50;

  /** Path points a forward and backward pass: a few GEMM-sized batches, memory bounded. */
  private static final int POINTS = 2048;

  private IntegratedGradients() {}

  /**
   * One example's attributions to one of the model's outputs.
   *
   * @param output the class, label or target explained
   * @param features an attribution each input feature, in the output's units
   * @param value the output at the example
   * @param baselineValue the output at the baseline
   */
  public record Attribution(String output, double[] features, double value, double baselineValue) {
    /** The attributions' sum less the output's change from the baseline: the integration's error. */
    public double delta() {
      double sum = 0;
      for (double a : features) {
        sum += a;
      }
      return sum - (value - baselineValue);
    }

    /**
     * Summed over each input column's features ({@link ModelFile#inputColumns}: a column of text's categories
     * together), by column name, in the model's column order.
     */
    public Map<String, Double> byColumn(Map<String, int[]> columns) {
      Map<String, Double> byColumn = new LinkedHashMap<>();
      columns.forEach((name, at) -> {
        double sum = 0;
        for (int i : at) {
          sum += features[i];
        }
        byColumn.put(name, sum);
      });
      return byColumn;
    }
  }

  /**
   * The attributions of each row of {@code raw} (as {@link Predictor#predict} takes it): a list a row, holding one
   * attribution for a classifier (its predicted class) and one an output for a multi-label or regression model.
   */
  public static List<List<Attribution>> explain(Predictor predictor, float[] raw, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("integrated gradients need at least 1 step, got " + steps);
    }
    ModelFile description = predictor.description();
    int features = description.architecture().featureSize();
    int width = description.architecture().classes();
    float[] x = predictor.standardized(raw);
    int rows = x.length / features;
    Head head = Head.of(predictor);
    float[] values = head.outputs(x);
    float[] baseline = head.outputs(new float[features]);
    int[][] explained = new int[rows][];
    for (int r = 0; r < rows; r++) {
      explained[r] = head.explained(values, r, width);
    }
    double[][][] attributions = new double[rows][][];
    Module model = predictor.model();
    List<Parameter> parameters = model.parameters();
    // The weights' gradients are not wanted: only the input's is computed.
    for (Parameter p : parameters) {
      p.value().requiresGrad(false);
    }
    try {
      int group = Math.max(1, POINTS / steps);
      for (int start = 0; start < rows; start += group) {
        int n = Math.min(group, rows - start);
        integrate(predictor, head, x, start, n, steps, explained, attributions);
      }
    } finally {
      for (Parameter p : parameters) {
        p.value().requiresGrad(true);
      }
    }
    List<String> names = description.classNames();
    List<List<Attribution>> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      List<Attribution> row = new ArrayList<>(explained[r].length);
      for (int s = 0; s < explained[r].length; s++) {
        int o = explained[r][s];
        row.add(new Attribution(names.get(o), attributions[r][s], values[r * width + o], baseline[o]));
      }
      out.add(row);
    }
    return out;
  }

  /** Rows {@code start} to {@code start + n} of {@code x}: their path points through the model and back. */
  private static void integrate(Predictor predictor, Head head, float[] x, int start, int n, int steps,
      int[][] explained, double[][][] attributions) {
    int features = predictor.description().architecture().featureSize();
    int width = predictor.description().architecture().classes();
    int points = n * steps;
    float[] path = new float[points * features];
    for (int r = 0; r < n; r++) {
      for (int k = 0; k < steps; k++) {
        float alpha = (float) ((k + 0.5) / steps);
        int to = (r * steps + k) * features;
        int from = (start + r) * features;
        for (int f = 0; f < features; f++) {
          path[to + f] = alpha * x[from + f];
        }
      }
    }
    int slots = explained[start].length;
    for (int r = 0; r < n; r++) {
      attributions[start + r] = new double[slots][features];
    }
    Backend backend = predictor.backend();
    try (Scope scope = Scope.open()) {
      Tensor input = Tensor.of(backend, path, points, features).requiresGrad(true);
      Tensor out = head.apply(predictor.model().forward(input)).reshape(points, width);
      for (int s = 0; s < slots; s++) {
        float[] seed = new float[points * width];
        for (int r = 0; r < n; r++) {
          int o = explained[start + r][s];
          for (int k = 0; k < steps; k++) {
            seed[(r * steps + k) * width + o] = (float) head.scale(o);
          }
        }
        out.backward(Tensor.of(backend, seed, points, width), s < slots - 1);
        float[] gradient;
        try (Tensor g = input.takeGrad()) {
          gradient = g.toFloatArray();
        }
        for (int r = 0; r < n; r++) {
          double[] a = attributions[start + r][s];
          int from = (start + r) * features;
          for (int k = 0; k < steps; k++) {
            int at = (r * steps + k) * features;
            for (int f = 0; f < features; f++) {
              a[f] += gradient[at + f];
            }
          }
          for (int f = 0; f < features; f++) {
            a[f] *= (double) x[from + f] / steps; // the baseline is 0: x − baseline is x
          }
        }
      }
    }
  }

  /** What of the model's outputs is explained, and in which units. */
  private record Head(Predictor predictor, ModelFile description, double[] scale) {
    static Head of(Predictor predictor) {
      ModelFile description = predictor.description();
      double[] scale = new double[description.architecture().classes()];
      Arrays.fill(scale, 1);
      if (description.isRegression()) {
        double[] std = description.targetScale().std();
        for (int t = 0; t < scale.length; t++) {
          scale[t] = std[t % std.length];
        }
      }
      return new Head(predictor, description, scale);
    }

    /** The model's outputs as probabilities (softmax, of a calibrated model's tempered logits, or sigmoid). */
    Tensor apply(Tensor logits) {
      return description.isRegression() ? logits : description.isMultiLabel() ? logits.sigmoid()
          : predictor.tempered(logits).softmax(1);
    }

    /** The outputs explained of row {@code r}: the likeliest class (ties to the first), or every output. */
    int[] explained(float[] values, int r, int width) {
      if (description.isRegression() || description.isMultiLabel()) {
        int[] all = new int[width];
        for (int o = 0; o < width; o++) {
          all[o] = o;
        }
        return all;
      }
      int best = 0;
      for (int c = 1; c < width; c++) {
        best = values[r * width + c] > values[r * width + best] ? c : best;
      }
      return new int[] {best};
    }

    /** A standardised target's units in its own; 1 for a probability. */
    double scale(int output) {
      return scale[output];
    }

    /** Each row's outputs in the units explained (probabilities, or values in the targets' units, as predicted). */
    float[] outputs(float[] x) {
      float[] out = predictor.forward(x, this::apply);
      if (description.isRegression()) {
        description.targetScale().invertInPlace(out);
      }
      return out;
    }
  }
}
