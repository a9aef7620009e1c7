package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.data.CsvLine;
import io.jgrad.tools.InputFiles;
import io.jgrad.tools.IntegratedGradients;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.Prediction;
import io.jgrad.tools.PredictionFields;
import io.jgrad.tools.Predictor;
import io.jgrad.train.MultiLabelReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad predict}: the classes a model file gives examples read from IDX image files, images (PNG, JPEG) or CSV
 * rows, one JSON line per example; a regression model's values. {@code --format csv} prints a CSV table instead, a
 * row an example, every class's probability in a column of its own (scikit-learn's {@code predict_proba}). {@code
 * --explain} adds each example's integrated gradients ({@link IntegratedGradients}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Predict classes (or a regression model's values) with a model file: one JSON line per example.")
final class PredictCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelFileOption modelFile;

  @Parameters(arity = "1..*", paramLabel = "INPUT",
      description = "IDX image files (.gz or raw), images (PNG, JPEG, GIF, BMP: scaled to the model's input, grey for "
          + "one channel) or CSV files (one example per row, values as the training data had them: pixels in [0, 1], "
          + "a table's raw values, its columns found by the header's names, or in order without the label; a header "
          + "row is skipped), NumPy arrays (.npy, or an .npz archive's x: one example a row, of the model's shape; "
          + "uint8 images divided by 255), or folders of images (every image in one, at any depth, in sorted order)")
  List<Path> inputs;

  @Option(names = "--top-k", defaultValue = "3", description = "list the K likeliest classes (default: ${DEFAULT-VALUE}; "
      + "a classifier's, in JSON lines)")
  int topK;

  /** {@code --format}: a JSON line an example, or one CSV table. */
  enum Format {
    JSONL, CSV
  }

  @Option(names = "--format", description = "jsonl (a JSON line an example) or csv (a header, then a row an example: "
      + "input, label, class, probability and every class's probability as probability_<class>; a regression model's "
      + "value a target; a multi-label model's 0/1 a label, then each label's probability) (default: jsonl)")
  Format format;

  @Option(names = "--threshold", paramLabel = "P", description = "predict a two-class model's second class where "
      + "its probability is above P (a multi-label model's labels likewise) instead of at 0.5, as scikit-learn's "
      + "FixedThresholdClassifier")
  Double threshold;

  @Option(names = "--explain", description = "also each input's attributions by integrated gradients (Captum's "
      + "IntegratedGradients): how much each of a table's columns (an image's pixels) moved the prediction away from "
      + "its value at the training data's average example, in the prediction's units: the predicted class's "
      + "probability, each label's probability, or each target's value; they add up to the prediction less the "
      + "baseline's, up to the integration's error (delta)")
  boolean explain;

  @Option(names = "--explain-steps", paramLabel = "STEPS", description = "--explain: points of the path from the "
      + "average example integrated over (default: " + IntegratedGradients.DEFAULT_STEPS + ", Captum's)")
  Integer explainSteps;

  @Mixin BackendChoice backendChoice;

  @Override
  public Integer call() {
    OptionChecks.atLeast("--top-k", topK, 1);
    if (explainSteps != null) {
      if (!explain) {
        throw new IllegalArgumentException("--explain-steps is for --explain");
      }
      OptionChecks.atLeast("--explain-steps", explainSteps, 1);
    }
    if (threshold != null) {
      OptionChecks.probability("--threshold", threshold);
    }
    boolean csv = format == Format.CSV;
    if (csv && spec.commandLine().getParseResult().hasMatchedOption("--top-k")) {
      throw new IllegalArgumentException("--top-k is for JSON lines; --format csv gives every class's probability");
    }
    try (Backend backend = backendChoice.open();
        Predictor predictor = Predictor.load(modelFile.path, backend)) {
      ModelFile description = predictor.description();
      if ((description.isRegression() || description.isMultiLabel())
          && spec.commandLine().getParseResult().hasMatchedOption("--top-k")) {
        throw new IllegalArgumentException(EvalCommand.topKRefused(description, modelFile.path));
      }
      if (threshold != null && (description.isRegression()
          || !description.isMultiLabel() && description.architecture().classes() != 2)) {
        throw new IllegalArgumentException(description.isRegression() ? "--threshold decides classes; "
            + modelFile.path + " fits values (a regression model)"
            : EvalCommand.thresholdRefused(description.architecture().classes(), modelFile.path));
      }
      // train's image sets are pixels in [0, 1]; a table's model, or one trained elsewhere, may take any numbers.
      String trainedOn = predictor.description().dataset();
      InputFiles.CsvUnits units =
          Datasets.find(trainedOn).filter(Datasets::images).isPresent() ? InputFiles.CsvUnits.PIXELS
              : InputFiles.CsvUnits.ANY;
      // A table's model reads a header's columns by name and skips the label (a regression model's targets, a
      // multi-label model's labels, named as its outputs are), as eval reads the table.
      InputFiles.TableColumns table = !description.featureNames().isEmpty() // a table's (a CSV's, an archive's)
          ? InputFiles.TableColumns.of(description, description.isRegression() || description.isMultiLabel()
              ? description.classNames() : List.of(CsvFiles.recordedLabelColumn(modelFile.path)))
          : null;
      InputFiles.Examples examples =
          InputFiles.read(inputs, predictor.description().architecture().inputShape(), units, table);
      Explanations explanations = explain ? new Explanations(IntegratedGradients.explain(predictor,
          examples.features(), explainSteps != null ? explainSteps : IntegratedGradients.DEFAULT_STEPS),
          description) : Explanations.NONE;
      if (predictor.description().isRegression()) {
        printValues(predictor, examples, csv, explanations);
        return 0;
      }
      if (predictor.description().isMultiLabel()) {
        printLabels(predictor, examples, csv, explanations,
            threshold != null ? threshold : MultiLabelReport.THRESHOLD);
        return 0;
      }
      List<Prediction> predictions = threshold != null ? predictor.predict(examples.features(), threshold)
          : predictor.predict(examples.features());
      if (csv) {
        List<String> header = new ArrayList<>(List.of("input", "label", "class", "probability"));
        description.classNames().forEach(c -> header.add("probability_" + c));
        header.addAll(explanations.header());
        printCsvRow(header);
      }
      for (int i = 0; i < predictions.size(); i++) {
        Prediction p = predictions.get(i);
        if (csv) {
          List<Object> row = new ArrayList<>(List.of(examples.names().get(i), p.label(), p.className(),
              p.probability()));
          for (float probability : p.probabilities()) {
            row.add(probability);
          }
          row.addAll(explanations.cells(i));
          printCsvRow(row);
          continue;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("input", examples.names().get(i));
        line.putAll(PredictionFields.of(p, topK));
        line.putAll(explanations.fields(i));
        System.out.println(JsonLine.of(line));
      }
    }
    return 0;
  }

  /** One CSV row of {@code cells}, each quoted where it must be (RFC 4180). */
  private static void printCsvRow(List<?> cells) {
    System.out.println(cells.stream().map(c -> CsvLine.quote(String.valueOf(c))).collect(Collectors.joining(",")));
  }

  /**
   * A multi-label model's line an example: the labels predicted ("labels", those whose probability is above {@code
   * threshold}) and each label's probability; as CSV, a column a label of 1 or 0 (a table as the model was trained
   * on), then each label's probability as {@code probability_<label>}.
   */
  private static void printLabels(Predictor predictor, InputFiles.Examples examples, boolean csv,
      Explanations explanations, double threshold) {
    List<String> labels = predictor.description().classNames();
    float[] probabilities = predictor.labelProbabilities(examples.features());
    if (csv) {
      List<String> header = new ArrayList<>(List.of("input"));
      header.addAll(labels);
      labels.forEach(l -> header.add("probability_" + l));
      header.addAll(explanations.header());
      printCsvRow(header);
    }
    for (int i = 0; i < examples.names().size(); i++) {
      if (csv) {
        List<Object> row = new ArrayList<>(List.of(examples.names().get(i)));
        for (int l = 0; l < labels.size(); l++) {
          row.add(MultiLabelReport.present(probabilities[i * labels.size() + l], threshold) ? 1 : 0);
        }
        for (int l = 0; l < labels.size(); l++) {
          row.add(probabilities[i * labels.size() + l]);
        }
        row.addAll(explanations.cells(i));
        printCsvRow(row);
        continue;
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("input", examples.names().get(i));
      line.putAll(PredictionFields.labels(labels, probabilities, i, threshold));
      line.putAll(explanations.fields(i));
      System.out.println(JsonLine.of(line));
    }
  }

  /**
   * A regression model's line an example: its value in the target's units ("value"; "values" by name for several); as
   * CSV, a column a target, named after it.
   */
  private static void printValues(Predictor predictor, InputFiles.Examples examples, boolean csv,
      Explanations explanations) {
    List<String> targets = predictor.description().classNames();
    float[] values = predictor.values(examples.features());
    if (csv) {
      List<String> header = new ArrayList<>(List.of("input"));
      header.addAll(targets);
      header.addAll(explanations.header());
      printCsvRow(header);
      for (int i = 0; i < examples.names().size(); i++) {
        List<Object> row = new ArrayList<>(List.of(examples.names().get(i)));
        for (int t = 0; t < targets.size(); t++) {
          row.add(values[i * targets.size() + t]);
        }
        row.addAll(explanations.cells(i));
        printCsvRow(row);
      }
      return;
    }
    for (int i = 0; i < examples.names().size(); i++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("input", examples.names().get(i));
      line.putAll(PredictionFields.values(targets, values, i));
      line.putAll(explanations.fields(i));
      System.out.println(JsonLine.of(line));
    }
  }

  /**
   * {@code --explain}'s attributions of every example, as JSON fields ({@link PredictionFields#attributions}) or CSV
   * cells: {@code attribution_<column>} a column (an image's {@code attribution_<i>} a pixel), then {@code baseline}
   * and {@code delta}; each named {@code <output>_…} after its output where several are explained.
   */
  private record Explanations(List<List<IntegratedGradients.Attribution>> rows, ModelFile description) {
    static final Explanations NONE = new Explanations(List.of(), null);

    Map<String, Object> fields(int example) {
      return rows.isEmpty() ? Map.of() : PredictionFields.attributions(rows.get(example),
          description.inputColumns());
    }

    List<String> header() {
      if (rows.isEmpty()) {
        return List.of();
      }
      List<String> header = new ArrayList<>();
      for (IntegratedGradients.Attribution a : rows.get(0)) {
        String prefix = rows.get(0).size() == 1 ? "" : a.output() + "_";
        for (String input : inputs(a)) {
          header.add("attribution_" + prefix + input);
        }
        header.add(prefix + "baseline");
        header.add(prefix + "delta");
      }
      return header;
    }

    List<Object> cells(int example) {
      List<Object> cells = new ArrayList<>();
      for (IntegratedGradients.Attribution a : rows.isEmpty() ? List.<IntegratedGradients.Attribution>of()
          : rows.get(example)) {
        Map<String, int[]> columns = description.inputColumns();
        if (columns.isEmpty()) {
          for (double v : a.features()) {
            cells.add(v);
          }
        } else {
          cells.addAll(a.byColumn(columns).values());
        }
        cells.add(a.baselineValue());
        cells.add(a.delta());
      }
      return cells;
    }

    /** The names of what is attributed: a table's input columns, or an image's pixel indices. */
    private List<String> inputs(IntegratedGradients.Attribution a) {
      Map<String, int[]> columns = description.inputColumns();
      if (!columns.isEmpty()) {
        return List.copyOf(columns.keySet());
      }
      List<String> pixels = new ArrayList<>();
      for (int i = 0; i < a.features().length; i++) {
        pixels.add(Integer.toString(i));
      }
      return pixels;
    }
  }
}
