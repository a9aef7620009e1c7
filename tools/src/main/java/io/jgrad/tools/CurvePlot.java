package io.jgrad.tools;

import io.jgrad.io.AtomicFiles;
import io.jgrad.train.ClassificationReport;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.ScoreRanking;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts: training curves per epoch ({@code train --plot}; {@link CurvePlotListener} redraws them as training
 * goes), a learning-rate range test ({@code train --find-lr --plot}), a classifier's ROC curves ({@code eval --plot})
 * and reliability diagram ({@code eval --calibration-plot}), and a fitted curve ({@code regression --plot}).
 */
public final class CurvePlot {
  private CurvePlot() {}

  /**
   * Train, validation (when measured) and test loss (left axis) and test accuracy (right axis; a classifier's) per
   * epoch.
   */
  public static void trainingCurves(List<EpochMetrics> history, String title, Path png) throws IOException {
    double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").build();
    chart.setYAxisGroupTitle(0, "loss");
    chart.addSeries("train loss", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
    if (history.stream().anyMatch(m -> !Double.isNaN(m.validationLoss()))) {
      chart.addSeries("validation loss", epochs,
          history.stream().mapToDouble(EpochMetrics::validationLoss).toArray());
    }
    chart.addSeries("test loss", epochs, history.stream().mapToDouble(EpochMetrics::testLoss).toArray());
    if (history.stream().anyMatch(m -> !Double.isNaN(m.testAccuracy()))) {
      chart.setYAxisGroupTitle(1, "test accuracy");
      XYSeries acc = chart.addSeries("test accuracy", epochs,
          history.stream().mapToDouble(EpochMetrics::testAccuracy).toArray());
      acc.setYAxisGroup(1);
      chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }
    save(chart, png);
  }

  /**
   * A learning-rate range test ({@link io.jgrad.train.LrFinder}): each step's loss and the smoothed loss against the
   * rate on a log axis, as fastai's {@code lr_find} plots it, and the suggested rate as a vertical line. The loss axis
   * stops at twice the first smoothed loss, so that the divergence at the end does not flatten the rest.
   */
  public static void lrRangeTest(double[] lrs, double[] losses, double[] smoothed, double suggestion, String title,
      Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("learning rate")
        .yAxisTitle("loss").build();
    chart.getStyler().setXAxisLogarithmic(true);
    double top = 2 * smoothed[0];
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(top);
    chart.addSeries("loss", lrs, losses).setMarker(SeriesMarkers.NONE);
    chart.addSeries("smoothed loss", lrs, smoothed).setMarker(SeriesMarkers.NONE);
    if (Double.isFinite(suggestion)) {
      chart.addSeries(String.format(Locale.ROOT, "suggested lr %.3g", suggestion), new double[] {suggestion,
          suggestion}, new double[] {0, top}).setMarker(SeriesMarkers.NONE);
    }
    save(chart, png);
  }

  /**
   * ROC curves ({@code eval --plot}): for each class or label, its true positive rate against its false positive rate
   * over every threshold, named with its area, beside the diagonal of scores that know nothing, as scikit-learn's
   * {@code RocCurveDisplay} draws one. A class without a curve (absent from the data, or in every example) is left out.
   */
  public static void rocCurves(List<String> names, List<ScoreRanking> rankings, String title, Path png)
      throws IOException {
    if (names.size() != rankings.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + rankings.size() + " curves");
    }
    XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle("false positive rate")
        .yAxisTitle("true positive rate").build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    for (int i = 0; i < names.size(); i++) {
      ScoreRanking.Curve curve = rankings.get(i) == null ? null : rankings.get(i).rocCurve();
      if (curve != null) {
        chart.addSeries(String.format(Locale.ROOT, "%s (AUC %.4f)", names.get(i), rankings.get(i).rocAuc()),
            curve.falsePositiveRate(), curve.truePositiveRate()).setMarker(SeriesMarkers.NONE);
      }
    }
    XYSeries chance = chart.addSeries("chance (AUC 0.5)", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE);
    chance.setLineStyle(SeriesLines.DASH_DASH);
    chance.setLineColor(Color.GRAY);
    save(chart, png);
  }

  /**
   * A reliability diagram ({@code eval --calibration-plot}): each bin's accuracy against its mean confidence, beside
   * the diagonal a calibrated model follows, as scikit-learn's {@code CalibrationDisplay} draws one; the expected
   * calibration error in the legend. Empty bins are left out.
   */
  public static void reliabilityDiagram(List<ClassificationReport.CalibrationBin> bins, double error, String title,
      Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle("confidence (the predicted "
        + "class's probability)").yAxisTitle("accuracy").build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<ClassificationReport.CalibrationBin> filled = bins.stream().filter(b -> b.examples() > 0).toList();
    if (!filled.isEmpty()) {
      chart.addSeries(String.format(Locale.ROOT, "model (ECE %.4f)", error),
          filled.stream().mapToDouble(ClassificationReport.CalibrationBin::confidence).toArray(),
          filled.stream().mapToDouble(ClassificationReport.CalibrationBin::accuracy).toArray());
    }
    XYSeries diagonal = chart.addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1});
    diagonal.setMarker(SeriesMarkers.NONE);
    diagonal.setLineStyle(SeriesLines.DASH_DASH);
    diagonal.setLineColor(Color.GRAY);
    save(chart, png);
  }

  /**
   * A confusion matrix ({@code eval --confusion-plot}) as scikit-learn's {@code ConfusionMatrixDisplay} draws one: the
   * true classes down (the first at the top), the predicted ones across, each cell's count written in it and shaded by
   * it.
   *
   * @param confusion row i, column j: the examples of class i predicted as class j
   */
  public static void confusionMatrix(List<String> names, long[][] confusion, String title, Path png)
      throws IOException {
    int side = Math.max(400, Math.min(1600, 200 + 60 * names.size()));
    HeatMapChart chart = new HeatMapChartBuilder().width(side + 100).height(side).title(title)
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("#");
    chart.getStyler().setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x9ECAE1), new Color(0x4292C6)});
    chart.getStyler().setLegendVisible(false);
    List<String> rows = new ArrayList<>(names);
    Collections.reverse(rows); // the chart counts rows from the bottom
    List<Number[]> cells = new ArrayList<>();
    long most = 0;
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        cells.add(new Number[] {j, names.size() - 1 - i, confusion[i][j]});
        most = Math.max(most, confusion[i][j]);
      }
    }
    chart.getStyler().setMin(0).setMax(Math.max(1, most));
    chart.addSeries("examples", names, rows, cells);
    save(chart, png);
  }

  /** The true curve as a line and the model's predictions as points. */
  public static void fit(double[] x, double[] truth, double[] predicted, String title, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("x").yAxisTitle("y").build();
    chart.addSeries("true curve", x, truth).setMarker(SeriesMarkers.NONE);
    chart.addSeries("model", x, predicted).setMarker(SeriesMarkers.NONE);
    save(chart, png);
  }

  /**
   * Refuses a name that does not end in .png (any case), the one format written: a chart is written at exactly the
   * path given, never at another name, and never as PNG bytes under a name that promises another format.
   *
   * @throws IllegalArgumentException naming the supported format
   */
  public static Path requirePng(Path file) {
    Path name = file.getFileName();
    if (name == null || !name.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException(file + ": unsupported image format; charts are written as PNG, so the name "
          + "must end in .png");
    }
    return file;
  }

  /** Written at exactly {@code file}, atomically: a full disk or a crash leaves the old chart, never half an image. */
  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    byte[] image = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(requirePng(file), out -> out.write(image));
  }
}
