package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.data.CsvDataset;
import io.jgrad.data.LabeledData;
import io.jgrad.io.IoErrors;
import io.jgrad.tools.CurvePlot;
import io.jgrad.tools.ImageFolder;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.PermutationImportance;
import io.jgrad.tools.Predictor;
import io.jgrad.train.ClassificationReport;
import io.jgrad.train.MultiLabelReport;
import io.jgrad.train.QuantileReport;
import io.jgrad.train.RegressionReport;
import io.jgrad.train.ScoreRanking;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jgrad eval}: a model file on a data set's test part. Prints JSON lines: one per class (precision, recall, F1,
 * support, and the ROC AUC and average precision of its probability against the rest), the confusion matrix, then a
 * summary ({@code event:"eval"}) last; a regression model's summary alone, with
 * its errors and R² in the targets' units ({@link RegressionFigures}); a multi-label model's with its subset accuracy,
 * Hamming loss, F1 and each label's figures ({@link MultiLabelFigures}). With {@code --importance}, a line for each
 * input column of a table comes before the summary ({@link PermutationImportance}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a model file: accuracy, top-k, confusion matrix, per-class precision/recall/F1, ROC AUC.",
    footer = {"ece is the expected calibration error (Guo et al., 2017; 15 bins): how far the predicted class's "
        + "probability is, on average, from how often the model is right at that probability (0 for a calibrated "
        + "model).",
        "best_f1_threshold (a two-class model's) is the --threshold of the second class's highest F1 on the data "
        + "evaluated, best_f1 that F1: choose it on held-out data, not on the test set it is then judged by.",
        "roc_auc and average_precision rank the examples by a class's probability over every threshold, as "
        + "scikit-learn's roc_auc_score and average_precision_score: of a two-class model, the second class's "
        + "(roc_auc_score(y, p[:, 1])); of more, each class's against the rest, averaged (multi_class=\"ovr\"); a "
        + "multi-label model's, each label's and their mean.","The loss is plain cross-entropy: for a model trained with label smoothing (train's default) it differs "
        + "from the test_loss train reported, which includes the smoothing.",
        "A regression model (train --task regression) is scored by mse, rmse and mae in its targets' units, and r2 (1 "
        + "for a perfect fit, 0 for predicting the mean); a model of several targets by their averages and, under "
        + "per_target, each target's own; a model of a quantile (train --loss quantile) also by its pinball_loss and "
        + "coverage (the share of targets at or below the prediction).",
        "A multi-label model (train --task multilabel) is scored by its subset accuracy (every label of a row right), "
        + "Hamming loss (the fraction of label decisions wrong), F1 micro and macro, and each label's precision, "
        + "recall, F1 and support under per_label, a label predicted where its probability is above 0.5."})
final class EvalCommand implements Callable<Integer> {

  @Mixin ModelFileOption modelFile;

  @Option(names = "--dataset", description = "digits, mnist, fashion-mnist, cifar10, csv, images or npz (default: the "
      + "one the model was trained on)")
  Datasets dataset;

  @Option(names = "--data", description = "directory with the dataset's files, the CSV table to evaluate on (all its "
      + "rows), the folder of class folders of images (all its images), or the .npz archive or folder of .npy files "
      + "(its x_test and y_test, X_test and y_test, or x and y)")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN", description = "csv: the label's column, by header name or "
      + "0-based index (a regression model's target columns, a multi-label model's label columns, comma-separated) "
      + "(default: the ones the model was trained with)")
  String labelColumn;

  @Option(names = "--top-k", description = "also report top-K accuracy (default: " + DEFAULT_TOP_K + " for a model "
      + "of more classes, none for fewer)")
  Integer topK;

  static final int DEFAULT_TOP_K = 5;

  @Option(names = "--threshold", paramLabel = "P", description = "decide a two-class model's second class where its "
      + "probability is above P (a multi-label model's labels likewise) instead of at 0.5, as scikit-learn's "
      + "FixedThresholdClassifier: lower finds more of them at the cost of precision; the confusion matrix, "
      + "accuracy, precision, recall and F1 follow, the loss and ROC AUC do not change")
  Double threshold;

  /** scikit-learn's n_repeats. */
  static final int DEFAULT_REPEATS = 5;

  @Option(names = "--importance", description = "csv: also each input column's permutation importance, as "
      + "scikit-learn's permutation_importance: the accuracy (a regression model's R², a multi-label model's subset "
      + "accuracy) lost when the column's values are shuffled across the rows, a line a column, most important first")
  boolean importance;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "draw the ROC curve of each class against the rest "
      + "(of a two-class model, the second class's; of a multi-label model, each label's), its area in the legend, to "
      + "this PNG")
  Path plot;

  @Option(names = "--calibration-plot", paramLabel = "FILE.png", description = "draw the reliability diagram to this "
      + "PNG: in 15 bins of confidence (the predicted class's probability), how often the model is right against how "
      + "confident it is (a classifier of exclusive classes)")
  Path calibrationPlot;

  @Option(names = "--confusion-plot", paramLabel = "FILE.png", description = "draw the confusion matrix to this PNG, "
      + "as scikit-learn's ConfusionMatrixDisplay: the true classes down, the predicted ones across, each cell's count "
      + "(a classifier of exclusive classes)")
  Path confusionPlot;

  @Option(names = "--scoring", description = "--importance: the score a shuffled column loses: default (accuracy, a "
      + "multi-label model's subset accuracy, a regression model's R²) or roc-auc (a classifier's ROC AUC, "
      + "scikit-learn's scoring=\"roc_auc\": the ranking a column carries, where an imbalanced table's accuracy has "
      + "little room to fall) (default: default)")
  PermutationImportance.Scoring scoring;

  @Option(names = "--repeats", description = "--importance: shuffles a column (default: 5, scikit-learn's)")
  Integer repeats;

  @Option(names = "--seed", description = "--importance: the shuffles' seed (default: 0)")
  Long seed;

  @Mixin BackendChoice backendChoice;

  @Override
  public Integer call() {
    if (topK != null) {
      OptionChecks.atLeast("--top-k", topK, 1);
    }
    Path model = modelFile.path;
    ModelFile description = ModelFile.read(model);
    String name = dataset != null ? dataset.label() : description.dataset();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(model + " does not say which data set it was trained on: pass --dataset");
    }
    Datasets source = Datasets.named(name);
    checkImportanceOptions(source, name, description);
    checkPlots(model);
    if (threshold != null) {
      OptionChecks.probability("--threshold", threshold);
    }
    if (labelColumn != null && source != Datasets.CSV) {
      throw new IllegalArgumentException("--label-column is for a model of a CSV table; " + (source == Datasets.NPZ
          ? "an archive's labels are its y array" : "the " + name + " files say their labels"));
    }
    if (description.isRegression()) {
      if (source.images()) {
        throw new IllegalArgumentException(model + " fits values of a CSV table (a regression model); the " + name
            + " files hold classes");
      }
      if (topK != null) {
        throw new IllegalArgumentException(topKRefused(description, model));
      }
      if (plot != null || calibrationPlot != null || confusionPlot != null || threshold != null) {
        throw new IllegalArgumentException((plot != null ? "--plot draws a classifier's ROC curves; "
            : calibrationPlot != null ? "--calibration-plot draws a classifier's reliability; "
            : confusionPlot != null ? "--confusion-plot draws a classifier's decisions; "
            : "--threshold decides classes; ") + model + " fits values (a regression model)");
      }
      return regression(model, description, name);
    }
    if (description.isMultiLabel()) {
      if (source.images()) {
        throw new IllegalArgumentException(model + " tells the labels of a CSV table's rows (a multi-label model); "
            + "the " + name + " files hold one class an image");
      }
      if (topK != null) {
        throw new IllegalArgumentException(topKRefused(description, model));
      }
      if (calibrationPlot != null || confusionPlot != null) {
        throw new IllegalArgumentException((calibrationPlot != null ? "--calibration-plot" : "--confusion-plot")
            + " draws a classifier of exclusive classes; " + model + " tells each label on its own (a multi-label "
            + "model)");
      }
      return multiLabel(model, description, name);
    }
    List<String> classes = description.classNames();
    if (source.known() && !classes.equals(source.classNames)) {
      // Same input size, other classes (a digits model on Fashion-MNIST): every label would be scored as a class the
      // model never learned, and the per-class lines would carry the model's names for the data set's classes.
      throw new IllegalArgumentException(model + " classifies " + listed(classes) + "; " + name + "'s classes are "
          + listed(source.classNames) + ": evaluate it on data with its classes");
    }
    if (topK == null) {
      topK = classes.size() > DEFAULT_TOP_K ? DEFAULT_TOP_K : 0; // top-K of K classes or more is 1 by definition
    } else if (topK >= classes.size()) {
      // Every example's label is among its top K when K covers every class: a metric of 1 by definition.
      throw new IllegalArgumentException("--top-k " + topK + ": the model has " + classes.size()
          + " classes, so top-" + topK + " accuracy is 1 whatever it predicts; give K below " + classes.size());
    }
    LabeledData test = source.known() ? source.load(data).test()
        : source == Datasets.IMAGES ? folder(model, description) : table(model, description, source);
    if (threshold != null && classes.size() != 2) {
      throw new IllegalArgumentException(thresholdRefused(classes.size(), model));
    }
    try (Backend backend = backendChoice.open();
        Predictor predictor = Predictor.load(model, backend)) {
      ClassificationReport report = predictor.evaluate(test);
      if (threshold != null) {
        report = report.atThreshold(threshold);
      }
      for (int c = 0; c < report.classes(); c++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "class");
        line.put("class", c);
        line.put("name", classes.get(c));
        line.put("precision", report.precision(c));
        line.put("recall", report.recall(c));
        line.put("f1", report.f1(c));
        line.put("support", report.support(c));
        ScoreRanking ranking = report.ranking(c);
        line.put("roc_auc", ranking == null ? null : ranking.rocAuc());
        line.put("average_precision", ranking == null ? null : ranking.averagePrecision());
        System.out.println(JsonLine.of(line));
      }
      List<long[]> rows = new ArrayList<>(Arrays.asList(report.confusion()));
      Map<String, Object> confusion = new LinkedHashMap<>();
      confusion.put("event", "confusion");
      confusion.put("rows", "true class");
      confusion.put("columns", "predicted class");
      confusion.put("matrix", rows);
      System.out.println(JsonLine.of(confusion));
      printImportance(predictor, test);
      Map<String, Object> s = summary(model, name, backend);
      // A checkpoint records the precision it trained in; eval runs the float32 master weights in float32.
      String trained = TrainingCheckpoint.recordedConfig(model).get("precision");
      if (trained != null) {
        s.put("trained_precision", trained);
      }
      if (description.temperature() != 1) {
        s.put("temperature", description.temperature()); // train --calibrate's: the probabilities are tempered
      }
      s.put("examples", report.examples());
      if (threshold != null) {
        s.put("threshold", threshold);
      }
      s.put("loss", report.loss());
      s.put("accuracy", report.accuracy());
      if (topK > 0) {
        s.put("top_" + topK + "_accuracy", report.topK(topK));
      }
      s.put("macro_f1", report.macroF1());
      s.put("roc_auc", report.rocAuc());
      s.put("average_precision", report.averagePrecision());
      if (classes.size() == 2) {
        // Where a --threshold would give the second class its highest F1 on these examples.
        ScoreRanking second = report.ranking(1);
        ScoreRanking.Cut cut = second == null ? null : second.bestF1();
        s.put("best_f1_threshold", report.bestF1Threshold());
        s.put("best_f1", cut == null ? null : cut.f1());
      }
      s.put("ece", report.calibrationError(ClassificationReport.CALIBRATION_BINS));
      if (calibrationPlot != null) {
        try {
          CurvePlot.reliabilityDiagram(report.calibrationBins(ClassificationReport.CALIBRATION_BINS),
              report.calibrationError(ClassificationReport.CALIBRATION_BINS), "Reliability of " + model.getFileName()
              + " on " + name, calibrationPlot);
        } catch (IOException e) {
          throw new UncheckedIOException("--calibration-plot " + calibrationPlot + ": " + IoErrors.why(e), e);
        }
      }
      if (confusionPlot != null) {
        try {
          CurvePlot.confusionMatrix(classes, report.confusion(), "Confusion matrix of " + model.getFileName() + " on "
              + name, confusionPlot);
        } catch (IOException e) {
          throw new UncheckedIOException("--confusion-plot " + confusionPlot + ": " + IoErrors.why(e), e);
        }
      }
      if (plot != null) {
        // Of two classes, the second's curve alone: the first's is the same ranking turned over.
        int first = classes.size() == 2 ? 1 : 0;
        List<ScoreRanking> curves = new ArrayList<>();
        for (int c = first; c < classes.size(); c++) {
          curves.add(report.ranking(c));
        }
        drawRocCurves(classes.subList(first, classes.size()), curves, model, name);
      }
      System.out.println(JsonLine.of(s));
    }
    return 0;
  }

  /** Refuses a chart's path that cannot be written, or that would overwrite the model or the data evaluated. */
  private void checkPlots(Path model) {
    new OutputPaths().addPng("--plot", plot).addPng("--calibration-plot", calibrationPlot)
        .addPng("--confusion-plot", confusionPlot);
    Map<String, Path> charts = new LinkedHashMap<>();
    charts.put("--plot", plot);
    charts.put("--calibration-plot", calibrationPlot);
    charts.put("--confusion-plot", confusionPlot);
    for (String option : charts.keySet()) {
      Path given = charts.get(option);
      if (given == null) {
        continue;
      }
      Path chart = given.toAbsolutePath().normalize();
      if (chart.equals(model.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException(option + " " + given + " would overwrite the model " + model);
      }
      if (data != null && chart.startsWith(data.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException(option + " " + given + " would overwrite the data evaluated (" + data
            + "): write the chart elsewhere");
      }
    }
  }

  private void drawRocCurves(List<String> names, List<ScoreRanking> rankings, Path model, String dataset) {
    try {
      CurvePlot.rocCurves(names, rankings, "ROC curves of " + model.getFileName() + " on " + dataset, plot);
    } catch (IOException e) {
      throw new UncheckedIOException("--plot " + plot + ": " + IoErrors.why(e), e);
    }
  }

  /** The summary line of a regression model on every row of the --data table. */
  private int regression(Path model, ModelFile description, String name) {
    return tableSummary(model, description, name, (predictor, test) -> {
      List<String> targets = description.classNames();
      List<RegressionReport> columns = predictor.evaluateRegressionPerTarget(test);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put(targets.size() == 1 ? "target" : "targets", targets.size() == 1 ? targets.get(0) : targets);
      f.put("examples", columns.get(0).examples());
      // A model trained on a quantile's pinball loss (train --loss quantile) is scored on it too.
      Map<String, String> recorded = TrainingCheckpoint.recordedConfig(model);
      List<QuantileReport> quantiles = List.of();
      if (CliEnums.label(TrainCommand.RegressionLoss.QUANTILE).equals(recorded.get(TrainCommand.LOSS))) {
        double q = Double.parseDouble(recorded.get(TrainCommand.QUANTILE));
        f.put(TrainCommand.QUANTILE, q);
        quantiles = QuantileReport.perTarget(predictor.values(test.features()), test.targets(), targets.size(), q);
      }
      f.putAll(RegressionFigures.of(columns, quantiles, targets, ""));
      return f;
    });
  }

  /** The summary line of a multi-label model on every row of the --data table. */
  private int multiLabel(Path model, ModelFile description, String name) {
    return tableSummary(model, description, name, (predictor, test) -> {
      MultiLabelReport report = predictor.evaluateMultiLabel(test,
          threshold != null ? threshold : MultiLabelReport.THRESHOLD);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("labels", description.classNames());
      f.put("examples", report.examples());
      if (threshold != null) {
        f.put("threshold", threshold);
      }
      f.putAll(MultiLabelFigures.of(report, description.classNames(), ""));
      if (plot != null) {
        List<ScoreRanking> curves = new ArrayList<>();
        for (int l = 0; l < report.labels(); l++) {
          curves.add(report.ranking(l));
        }
        drawRocCurves(description.classNames(), curves, model, name);
      }
      return f;
    });
  }

  /**
   * The summary line of a model of a table scored by {@code figures} on every row of the --data table, after the
   * importance lines where --importance asks for them.
   */
  private int tableSummary(Path model, ModelFile description, String name,
      BiFunction<Predictor, LabeledData, Map<String, Object>> figures) {
    LabeledData test = table(model, description, Datasets.named(name));
    try (Backend backend = backendChoice.open();
        Predictor predictor = Predictor.load(model, backend)) {
      Map<String, Object> scored = figures.apply(predictor, test);
      printImportance(predictor, test);
      Map<String, Object> s = summary(model, name, backend);
      s.putAll(scored);
      System.out.println(JsonLine.of(s));
    }
    return 0;
  }

  /**
   * Every row of the --data table, read with the model's classes, label column and feature columns (a regression
   * model's target columns, or a multi-label model's label columns, are those it names its outputs after, unless
   * --label-column names others); or every example of the --data archive, for a model of NumPy arrays.
   */
  private LabeledData table(Path model, ModelFile description, Datasets source) {
    if (source == Datasets.NPZ) {
      if (data == null) {
        throw new IllegalArgumentException(model + " was trained on NumPy arrays: pass the archive to evaluate on as "
            + "--data FILE.npz (its x_test and y_test, or x and y)");
      }
      return NpzFiles.evaluated(data, description);
    }
    if (data == null) {
      throw new IllegalArgumentException(model + " was trained on a CSV table: pass the one to evaluate on as --data "
          + "FILE.csv");
    }
    // Missing cells as NaN for a model that fills them (the Predictor does, with the training part's values).
    CsvDataset.Missing missing = description.fill().length != 0 ? CsvDataset.Missing.AS_NAN
        : CsvDataset.Missing.REFUSED;
    List<String> labels = description.isRegression() || description.isMultiLabel()
        ? labelColumn != null ? CsvFiles.columns("--label-column", labelColumn) : description.classNames()
        : List.of(labelColumn != null ? labelColumn : CsvFiles.recordedLabelColumn(model));
    // The model's columns and the label's alone are read: another column (an identifier, free text) is never parsed.
    List<String> kept = new ArrayList<>(description.inputColumns().keySet());
    kept.addAll(labels);
    List<String> others = CsvFiles.columnsBesides(data, kept);
    CsvDataset table = description.isRegression()
        ? CsvDataset.readRegression(data, labels, description.categories(), missing, others)
        : description.isMultiLabel()
        ? CsvDataset.readMultiLabel(data, labels, description.categories(), missing, others)
        : CsvDataset.read(data, labels.get(0), description.classNames(), description.categories(), missing, others);
    if (description.featureNames().isEmpty()) {
      return table.data();
    }
    try {
      return table.select(description.featureNames()).data();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(data + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every image of the --data folder, read at the model's size and channels, each class folder one of the model's
   * classes.
   */
  private LabeledData folder(Path model, ModelFile description) {
    if (data == null) {
      throw new IllegalArgumentException(model + " was trained on an image folder: pass the one to evaluate on as --data "
          + "DIR (one folder of images per class)");
    }
    return ImageFolder.read(data, description.classNames(), description.architecture().inputShape()).data();
  }

  private void checkImportanceOptions(Datasets source, String name, ModelFile description) {
    if (!importance) {
      String stray = repeats != null ? "--repeats" : seed != null ? "--seed" : scoring != null ? "--scoring" : null;
      if (stray != null) {
        throw new IllegalArgumentException(stray + " is for --importance");
      }
      return;
    }
    if (source.images() || description.featureNames().isEmpty()) { // an archive's images have no columns either
      throw new IllegalArgumentException("--importance is for a model of a table (it shuffles the table's columns); "
          + "the " + name + " examples are images");
    }
    if (repeats != null) {
      OptionChecks.atLeast("--repeats", repeats, 1);
    }
  }

  /** With --importance, a line an input column, most important first, each with its score lost and their spread. */
  private void printImportance(Predictor predictor, LabeledData test) {
    if (!importance) {
      return;
    }
    PermutationImportance.Scoring by = scoring != null ? scoring : PermutationImportance.Scoring.DEFAULT;
    List<PermutationImportance.Column> columns = PermutationImportance.of(predictor, test,
        repeats != null ? repeats : DEFAULT_REPEATS, seed != null ? seed : 0, by);
    String score = by == PermutationImportance.Scoring.ROC_AUC ? "roc_auc"
        : predictor.description().isRegression() ? "r2"
        : predictor.description().isMultiLabel() ? "subset_accuracy" : "accuracy";
    for (int i = 0; i < columns.size(); i++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "importance");
      line.put("rank", i + 1);
      line.put("column", columns.get(i).name());
      line.put("score", score);
      line.put("importance", columns.get(i).mean());
      line.put("std", columns.get(i).std());
      System.out.println(JsonLine.of(line));
    }
  }

  /** Why --threshold means nothing for a classifier of {@code classes} classes (not two). */
  static String thresholdRefused(int classes, Path model) {
    return "--threshold decides between two classes (or each of a multi-label model's labels); " + model + " has "
        + classes + " classes, each predicted where it is the likeliest";
  }

  /** Why --top-k means nothing for a regression or multi-label model {@code description} of the file {@code model}. */
  static String topKRefused(ModelFile description, Path model) {
    return description.isRegression() ? "--top-k is for a classifier; " + model + " fits values (a regression model)"
        : "--top-k is for a classifier of exclusive classes; " + model + " tells each label on its own (a multi-label "
            + "model)";
  }

  /** The summary line's first fields: what was evaluated, on what. */
  private static Map<String, Object> summary(Path model, String dataset, Backend backend) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("event", "eval");
    s.put("model", model.toString());
    s.put("dataset", dataset);
    s.put("backend", backend.name());
    return s;
  }

  /** The first three names and how many in all: "0, 1, 2, … (10 classes)". */
  private static String listed(List<String> names) {
    String head = String.join(", ", names.subList(0, Math.min(3, names.size())));
    return names.size() <= 3 ? head : head + ", … (" + names.size() + " classes)";
  }
}
