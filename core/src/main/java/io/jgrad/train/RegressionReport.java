package io.jgrad.train;

import io.jgrad.data.DataLoader;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * How a regression model does on a data set, in the targets' units (scikit-learn's definitions): mean squared error,
 * its root, mean absolute error over every target value, and R², 1 − SS_res / SS_tot of each target column averaged
 * over the columns (a constant column scores 1 where it is predicted exactly, else 0).
 *
 * @param examples rows scored
 */
public record RegressionReport(long examples, double mse, double mae, double r2) {

  public double rmse() {
    return Math.sqrt(mse);
  }

  /**
   * Runs {@code model} over {@code data} (regression data) in eval mode without recording a graph; outputs and targets
   * are mapped back through {@code targetScale} (the standardisation the targets were trained in; null: none) first.
   */
  public static RegressionReport of(Module model, DataLoader data, Standardizer targetScale) {
    return average(perTarget(model, data, targetScale));
  }

  /** {@link #of(Module, DataLoader, Standardizer)} for each target column on its own ({@link #perTarget}). */
  public static List<RegressionReport> perTarget(Module model, DataLoader data, Standardizer targetScale) {
    ModelOutputs run = ModelOutputs.of(model, data, "target");
    if (targetScale != null) {
      targetScale.invertInPlace(run.outputs());
      targetScale.invertInPlace(run.targets());
    }
    return perTarget(run.outputs(), run.targets(), data.data().targetSize());
  }

  /**
   * The report of all the columns from each one's ({@link #perTarget}), scikit-learn's {@code
   * multioutput="uniform_average"}: every column has the same rows, so the errors over every value are the columns'
   * means, as R² is by definition.
   */
  public static RegressionReport average(List<RegressionReport> columns) {
    if (columns.isEmpty() || columns.stream().anyMatch(c -> c.examples != columns.get(0).examples)) {
      throw new IllegalArgumentException("no columns, or columns of different lengths, to average");
    }
    return new RegressionReport(columns.get(0).examples, columns.stream().mapToDouble(RegressionReport::mse).average()
        .orElseThrow(), columns.stream().mapToDouble(RegressionReport::mae).average().orElseThrow(),
        columns.stream().mapToDouble(RegressionReport::r2).average().orElseThrow());
  }

  /**
   * Each target column's own report, as scikit-learn's metrics with {@code multioutput="raw_values"}: the report
   * of column c is {@link #of(float[], float[], int)} of that column alone.
   */
  public static List<RegressionReport> perTarget(float[] outputs, float[] targets, int width) {
    checkShapes(outputs, targets, width);
    List<RegressionReport> columns = new ArrayList<>(width);
    for (int c = 0; c < width; c++) {
      columns.add(column(outputs, targets, width, c));
    }
    return columns;
  }

  /** From outputs computed elsewhere: N × {@code width} predictions and targets, row-major, in the same units. */
  public static RegressionReport of(float[] outputs, float[] targets, int width) {
    return average(perTarget(outputs, targets, width));
  }

  /** Column {@code c} of N × {@code width} outputs and targets, read in place. */
  private static RegressionReport column(float[] outputs, float[] targets, int width, int c) {
    int n = targets.length / width;
    if (n == 0) {
      return new RegressionReport(0, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = 0;
    for (int i = c; i < targets.length; i += width) {
      mean += targets[i];
    }
    mean /= n;
    double residual = 0;
    double absolutes = 0;
    double total = 0;
    for (int i = c; i < targets.length; i += width) {
      double e = (double) outputs[i] - targets[i];
      residual += e * e;
      absolutes += Math.abs(e);
      double d = targets[i] - mean;
      total += d * d;
    }
    return new RegressionReport(n, residual / n, absolutes / n, total > 0 ? 1 - residual / total
        : residual == 0 ? 1 : 0);
  }

  private static void checkShapes(float[] outputs, float[] targets, int width) {
    if (outputs.length != targets.length || width < 1 || targets.length % width != 0) {
      throw new IllegalArgumentException(outputs.length + " outputs and " + targets.length + " targets are not N × "
          + width);
    }
  }
}
