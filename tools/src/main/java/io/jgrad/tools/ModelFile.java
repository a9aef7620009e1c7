package io.jgrad.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jgrad.data.Imputer;
import io.jgrad.data.Standardizer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.nn.Module;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What inference needs besides the weights, kept in a safetensors file's metadata (plain strings, so PyTorch's and
 * Hugging Face's tools read it too): the architecture ({@code jgrad.model.*}), the input standardisation fitted on the
 * training set ({@code jgrad.input.mean}/{@code std}, one value per channel plane), the class names
 * ({@code jgrad.classes}, a JSON array), the data set trained on ({@code jgrad.dataset}) and, for a table, the names of
 * its feature columns ({@code jgrad.input.columns}, a JSON array) and the categories of its columns of text, each
 * one-hot encoded ({@code jgrad.input.categories}, a JSON object of arrays), and where its missing values were imputed,
 * each feature's fill value ({@code jgrad.input.fill}). A regression model records the standardisation its targets
 * were trained in ({@code jgrad.target.mean}/{@code std}, one value per target), which its outputs are mapped
 * back through, and names its targets where a classifier names its classes; a multi-label model ({@code jgrad.task}
 * {@code multilabel}) names its labels, each output a label's logit. A training checkpoint written with
 * {@link CheckpointWriter#metadata} carries it too, so either file is a model file.
 *
 * @param mean per channel plane, in the units of the raw features (pixels in [0, 1])
 * @param std per channel plane
 * @param dataset the name of the data set trained on ({@code jgrad eval}'s default), or "" when unknown
 * @param classNames class i's name; for a regression model, target i's (its column's)
 * @param featureNames the input's columns by name, in order, for a model of a table; empty otherwise
 * @param targetScale a regression model's target standardisation (outputs are standardised targets); null for a
 *     classifier
 * @param categories a table's columns of text by name, each with the categories its features stand for, in order
 *     ({@link io.jgrad.data.CsvDataset#categories}); empty otherwise
 * @param fill a table's missing values' fill value, one per feature, in the raw features' units ({@link
 *     io.jgrad.data.Imputer#fill}); empty where the model was trained without imputation (missing values refused)
 * @param multiLabel whether each output is one label's logit, any number of labels present at once ({@code
 *     classNames} the labels), rather than a class's score among exclusive classes
 * @param temperature what a classifier's logits are divided by before the softmax ({@link
 *     io.jgrad.train.TemperatureScaling}, {@code train --calibrate}); 1 for a model not calibrated
 */
public record ModelFile(Architecture architecture, double[] mean, double[] std, List<String> classNames,
    String dataset, List<String> featureNames, Standardizer targetScale, Map<String, List<String>> categories,
    float[] fill, boolean multiLabel, double temperature) {
  static final String MEAN = "jgrad.input.mean";
  static final String STD = "jgrad.input.std";
  static final String CLASSES = "jgrad.classes";
  static final String DATASET = "jgrad.dataset";
  static final String COLUMNS = "jgrad.input.columns";
  static final String CATEGORIES = "jgrad.input.categories";
  static final String FILL = "jgrad.input.fill";
  static final String TARGET_MEAN = "jgrad.target.mean";
  static final String TARGET_STD = "jgrad.target.std";
  static final String TASK = "jgrad.task";
  static final String TEMPERATURE = "jgrad.temperature";
  /** {@value #TASK}'s value for a multi-label model; a classifier or a regression model records none. */
  static final String MULTI_LABEL = "multilabel";
  private static final JsonFactory JSON = new JsonFactory();

  public ModelFile {
    mean = mean.clone();
    std = std.clone();
    classNames = List.copyOf(classNames);
    featureNames = List.copyOf(featureNames);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    categories.forEach((column, values) -> copy.put(column, List.copyOf(values)));
    categories = Collections.unmodifiableMap(copy);
    fill = fill.clone();
    if (fill.length != 0) {
      Imputer.of(fill); // refuses a value that is not finite
      if (fill.length != architecture.featureSize()) {
        throw new IllegalArgumentException(fill.length + " fill values for " + architecture.featureSize()
            + " features");
      }
    }
    if (classNames.size() != architecture.classes()) {
      throw new IllegalArgumentException(classNames.size() + " class names for " + architecture.classes() + " classes");
    }
    if (!featureNames.isEmpty() && featureNames.size() != architecture.featureSize()) {
      throw new IllegalArgumentException(featureNames.size() + " column names for " + architecture.featureSize()
          + " features");
    }
    Standardizer.of(architecture.featureSize(), mean, std); // refuses statistics that do not fit the input
    if (multiLabel && targetScale != null) {
      throw new IllegalArgumentException("a multi-label model has no target standardisation");
    }
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException("a temperature must be finite and > 0, got " + temperature);
    }
    if (temperature != 1 && (multiLabel || targetScale != null)) {
      throw new IllegalArgumentException("a temperature scales a classifier's softmax, not a "
          + (multiLabel ? "multi-label" : "regression") + " model's outputs");
    }
    if (targetScale != null && targetScale.channels() != architecture.classes()) {
      throw new IllegalArgumentException(targetScale.channels() + " target statistics for " + architecture.classes()
          + " outputs");
    }
  }

  /** Standardisation fitted on the training set, and classes named 0, 1, ... when {@code classNames} is null. */
  public static ModelFile of(Architecture architecture, Standardizer standardizer, List<String> classNames,
      String dataset) {
    List<String> names = classNames != null ? classNames
        : java.util.stream.IntStream.range(0, architecture.classes()).mapToObj(Integer::toString).toList();
    return new ModelFile(architecture, standardizer.mean(), standardizer.std(), names, dataset, List.of(), null,
        Map.of(), new float[0], false, 1);
  }

  /** This description for a model of a table whose feature columns are {@code names}, in the input's order. */
  public ModelFile withFeatureNames(List<String> names) {
    return new ModelFile(architecture, mean, std, classNames, dataset, names, targetScale, categories, fill,
        multiLabel, temperature);
  }

  /** This description for a model of a table whose columns of text are one-hot encoded with these categories. */
  public ModelFile withCategories(Map<String, List<String>> columns) {
    return new ModelFile(architecture, mean, std, classNames, dataset, featureNames, targetScale, columns, fill,
        multiLabel, temperature);
  }

  /** This description for a model of a table whose missing values are filled with {@code imputer}'s values. */
  public ModelFile withImputer(Imputer imputer) {
    return new ModelFile(architecture, mean, std, classNames, dataset, featureNames, targetScale, categories,
        imputer.fill(), multiLabel, temperature);
  }

  /**
   * This description for a regression model whose targets were standardised by {@code scale} (one channel a target)
   * and are named {@code targetNames}.
   */
  public ModelFile regression(Standardizer scale, List<String> targetNames) {
    return new ModelFile(architecture, mean, std, targetNames, dataset, featureNames, scale, categories, fill,
        false, 1);
  }

  /** This description for a multi-label model whose outputs are the logits of the labels {@code labelNames}. */
  public ModelFile multiLabel(List<String> labelNames) {
    return new ModelFile(architecture, mean, std, labelNames, dataset, featureNames, null, categories, fill, true,
        1);
  }

  /** This classifier's description with its logits divided by {@code t} before the softmax (a fitted temperature). */
  public ModelFile withTemperature(double t) {
    return new ModelFile(architecture, mean, std, classNames, dataset, featureNames, targetScale, categories, fill,
        multiLabel, t);
  }

  /**
   * A table model's input columns as the table has them, in the input's order, each with the features it becomes: a
   * column of numbers one, a column of text one a category ({@code color} → {@code color_blue}, {@code color_red});
   * empty for a model of images.
   */
  public Map<String, int[]> inputColumns() {
    Map<String, String> columnOf = new HashMap<>();
    categories.forEach((column, values) -> values.forEach(v -> columnOf.put(column + "_" + v, column)));
    Map<String, List<Integer>> features = new LinkedHashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      String name = featureNames.get(i);
      features.computeIfAbsent(columnOf.getOrDefault(name, name), c -> new ArrayList<>()).add(i);
    }
    Map<String, int[]> columns = new LinkedHashMap<>();
    features.forEach((column, at) -> columns.put(column, at.stream().mapToInt(Integer::intValue).toArray()));
    return columns;
  }

  /** Whether the model fits target values (its outputs mapped back through {@link #targetScale}) or classifies. */
  public boolean isRegression() {
    return targetScale != null;
  }

  /** Whether each output is one label's logit, any number of the labels present at once ({@link #multiLabel}). */
  public boolean isMultiLabel() {
    return multiLabel;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  @Override
  public float[] fill() {
    return fill.clone();
  }

  public Standardizer standardizer() {
    return Standardizer.of(architecture.featureSize(), mean, std);
  }

  /** The entries this record writes into a safetensors header. */
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>(architecture.metadata());
    m.put(MEAN, doubles(mean));
    m.put(STD, doubles(std));
    m.put(CLASSES, jsonArray(classNames));
    m.put(DATASET, dataset);
    if (!featureNames.isEmpty()) {
      m.put(COLUMNS, jsonArray(featureNames));
    }
    if (!categories.isEmpty()) {
      m.put(CATEGORIES, jsonObject(categories));
    }
    if (fill.length != 0) {
      double[] values = new double[fill.length];
      Arrays.setAll(values, i -> fill[i]); // each float exactly, as a double's shortest text
      m.put(FILL, doubles(values));
    }
    if (targetScale != null) {
      m.put(TARGET_MEAN, doubles(targetScale.mean()));
      m.put(TARGET_STD, doubles(targetScale.std()));
    }
    if (multiLabel) {
      m.put(TASK, MULTI_LABEL);
    }
    if (temperature != 1) {
      m.put(TEMPERATURE, Double.toString(temperature));
    }
    return m;
  }

  /** Reads a model file's description from its metadata; a missing or bad entry names {@code source}. */
  public static ModelFile fromMetadata(Map<String, String> metadata, String source) {
    Architecture architecture = Architectures.fromMetadata(metadata, source);
    try {
      return new ModelFile(architecture, parseDoubles(required(metadata, MEAN, source)),
          parseDoubles(required(metadata, STD, source)), parseJsonArray(required(metadata, CLASSES, source), CLASSES),
          metadata.getOrDefault(DATASET, ""),
          metadata.containsKey(COLUMNS) ? parseJsonArray(metadata.get(COLUMNS), COLUMNS) : List.of(),
          !metadata.containsKey(TARGET_MEAN) ? null : Standardizer.of(architecture.classes(),
              parseDoubles(metadata.get(TARGET_MEAN)), parseDoubles(required(metadata, TARGET_STD, source))),
          metadata.containsKey(CATEGORIES) ? parseJsonObject(metadata.get(CATEGORIES)) : Map.of(),
          metadata.containsKey(FILL) ? floats(parseDoubles(metadata.get(FILL))) : new float[0],
          isMultiLabelTask(metadata.get(TASK)),
          metadata.containsKey(TEMPERATURE) ? Double.parseDouble(metadata.get(TEMPERATURE)) : 1);
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidFileException(source, "bad model description: " + e.getMessage(), e);
    }
  }

  /** Reads the description of the model in {@code file} (a model file or a checkpoint written with one). */
  public static ModelFile read(Path file) {
    return fromMetadata(Safetensors.read(file).metadata(), file.toString());
  }

  /** Writes {@code model}'s weights with this description, atomically: the file {@link Predictor} loads. */
  public void save(Path file, Module model) throws IOException {
    ModelWeights.save(model, file, metadata());
  }

  /** A {@value #TASK} entry: absent for a classifier or a regression model, {@value #MULTI_LABEL} for multi-label. */
  private static boolean isMultiLabelTask(String task) throws IOException {
    if (task != null && !task.equals(MULTI_LABEL)) {
      throw new IOException(TASK + " '" + task + "' is not " + MULTI_LABEL + " (a model of a newer jgrad?)");
    }
    return task != null;
  }

  private static String required(Map<String, String> metadata, String key, String source) {
    String v = metadata.get(key);
    if (v == null) {
      throw new InvalidFileException(source, "not a jgrad model file: metadata " + key + " is missing");
    }
    return v;
  }

  private static String doubles(double[] values) {
    return String.join(",", Arrays.stream(values).mapToObj(Double::toString).toList());
  }

  private static float[] floats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  private static double[] parseDoubles(String text) {
    return Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static String jsonArray(List<String> names) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (String n : names) {
        g.writeString(n);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static List<String> parseJsonArray(String text, String key) throws IOException {
    try (JsonParser p = JSON.createParser(text)) {
      p.nextToken();
      return strings(p, key + " is not a JSON array of strings");
    }
  }

  /** The array of strings {@code p} is at, up to its end. */
  private static List<String> strings(JsonParser p, String malformed) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException(malformed);
    }
    List<String> names = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new IOException(malformed);
      }
      names.add(p.getText());
    }
    return names;
  }

  private static String jsonObject(Map<String, List<String>> columns) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, List<String>> e : columns.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String v : e.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Map<String, List<String>> parseJsonObject(String text) throws IOException {
    String malformed = CATEGORIES + " is not a JSON object of arrays of strings";
    Map<String, List<String>> columns = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(malformed);
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          throw new IOException(malformed);
        }
        String column = p.currentName();
        p.nextToken();
        columns.put(column, strings(p, malformed));
      }
    }
    return columns;
  }
}
