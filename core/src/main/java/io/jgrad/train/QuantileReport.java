package io.jgrad.train;

import io.jgrad.data.DataLoader;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model trained to predict a quantile q of its targets ({@link io.jgrad.loss.QuantileLoss}) does on a data set,
 * in the targets' units: the mean pinball loss (scikit-learn's {@code mean_pinball_loss(alpha=q)}) and the coverage,
 * the fraction of targets at or below the predicted value, which is q for a calibrated model.
 *
 * @param examples rows scored
 */
public record QuantileReport(long examples, double quantile, double pinballLoss, double coverage) {

  /**
   * Runs {@code model} over {@code data} (regression data) in eval mode without recording a graph, each target column
   * on its own; outputs and targets are mapped back through {@code targetScale} (null: none) first.
   */
  public static List<QuantileReport> perTarget(Module model, DataLoader data, Standardizer targetScale,
      double quantile) {
    ModelOutputs run = ModelOutputs.of(model, data, "target");
    if (targetScale != null) {
      targetScale.invertInPlace(run.outputs());
      targetScale.invertInPlace(run.targets());
    }
    return perTarget(run.outputs(), run.targets(), data.data().targetSize(), quantile);
  }

  /** Each of N × {@code width} outputs' and targets' columns (row-major, the same units) on its own. */
  public static List<QuantileReport> perTarget(float[] outputs, float[] targets, int width, double quantile) {
    if (outputs.length != targets.length || width < 1 || targets.length % width != 0) {
      throw new IllegalArgumentException(outputs.length + " outputs and " + targets.length + " targets are not N × "
          + width);
    }
    int n = targets.length / width;
    List<QuantileReport> columns = new ArrayList<>(width);
    for (int c = 0; c < width; c++) {
      double loss = 0;
      long covered = 0;
      for (int i = c; i < targets.length; i += width) {
        double e = (double) targets[i] - outputs[i];
        loss += e >= 0 ? quantile * e : (quantile - 1) * e;
        covered += e <= 0 ? 1 : 0;
      }
      columns.add(new QuantileReport(n, quantile, n == 0 ? Double.NaN : loss / n,
          n == 0 ? Double.NaN : (double) covered / n));
    }
    return columns;
  }

  /** The columns' means ({@link RegressionReport#average}'s uniform average). */
  public static QuantileReport average(List<QuantileReport> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("no columns to average");
    }
    return new QuantileReport(columns.get(0).examples, columns.get(0).quantile,
        columns.stream().mapToDouble(QuantileReport::pinballLoss).average().orElseThrow(),
        columns.stream().mapToDouble(QuantileReport::coverage).average().orElseThrow());
  }
}
