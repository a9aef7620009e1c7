package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.data.Standardizer;
import io.jgrad.init.Initializer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.ModelWeights;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.train.ClassificationReport;
import io.jgrad.train.MultiLabelReport;
import io.jgrad.train.RegressionReport;
import io.jgrad.train.Trainer;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model file carries what inference needs; a Predictor loaded from it alone answers as the trained model did. */
class PredictorTest extends ScalarBackendTest {
  private static final MlpSpec SPEC = new MlpSpec(new int[] {2, 4}, new int[] {16}, "gelu", 0.1, ToyRun.CLASSES);
  /** Trains SPEC on standardised clusters; returns the description, the raw test data and the trained evaluation. */
  private record Trained(ModelFile description, LabeledData rawTest, ClassificationReport report, float[] logits) {}

  private static Trained train(Path file, boolean asCheckpoint) throws IOException {
    LabeledData train = ToyRun.clusters(96, 1);
    LabeledData rawTest = ToyRun.clusters(48, 2);
    LabeledData test = new LabeledData(rawTest.features().clone(), rawTest.labels(), ToyRun.FEATURES, ToyRun.CLASSES);
    Standardizer st = Standardizer.fit(train, 2);
    st.applyInPlace(train);
    st.applyInPlace(test);
    ModelFile description = ModelFile.of(SPEC, st, List.of("north", "east", "south"), "clusters");
    Generator dropout = new Generator(2);
    Sequential model = SPEC.build(backend, new Generator(1), dropout);
    try (DataLoader trainLoader = DataLoader.builder(train).batchSize(16).shuffle(true).seed(3).build(backend);
        DataLoader testLoader = DataLoader.builder(test).batchSize(48).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0));
      trainer.fit(trainLoader, null, 3);
      if (asCheckpoint) {
        TrainingCheckpoint.save(file, model, opt, 3, Map.of("dropout", dropout), Map.of(), description.metadata());
      } else {
        description.save(file, model);
      }
      model.eval();
      float[] logits;
      try (io.jgrad.NoGrad ignored = io.jgrad.NoGrad.enter()) {
        logits = model.forward(io.jgrad.Tensor.of(backend, test.features(), test.size(), ToyRun.FEATURES))
            .toFloatArray();
      }
      return new Trained(description, rawTest, trainer.evaluate(testLoader), logits);
    } finally {
      model.close();
    }
  }

  @Test
  void aModelFileRoundTripsItsDescription() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Trained t = train(file, false);
    ModelFile read = ModelFile.read(file);
    assertEquals(SPEC, read.architecture());
    assertArrayEquals(t.description().mean(), read.mean());
    assertArrayEquals(t.description().std(), read.std());
    assertEquals(List.of("north", "east", "south"), read.classNames());
    assertEquals("clusters", read.dataset());
  }

  @Test
  void predictionsFromTheFileAloneMatchTheTrainedModel() throws IOException {
    for (boolean asCheckpoint : new boolean[] {false, true}) {
      Path file = dir.resolve(asCheckpoint + ".safetensors");
      Trained t = train(file, asCheckpoint);
      try (Predictor p = Predictor.load(file, backend)) {
        List<Prediction> predictions = p.predict(t.rawTest().features()); // raw: the predictor standardises
        assertEquals(48, predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
          int expected = argmax(t.logits(), i * ToyRun.CLASSES, ToyRun.CLASSES);
          assertEquals(expected, predictions.get(i).label(), "example " + i);
          assertEquals(List.of("north", "east", "south").get(expected), predictions.get(i).className());
          float sum = 0;
          for (float v : predictions.get(i).probabilities()) {
            sum += v;
          }
          assertEquals(1, sum, 1e-5);
        }
        ClassificationReport r = p.evaluate(t.rawTest());
        assertEquals(t.report().accuracy(), r.accuracy());
        assertEquals(t.report().loss(), r.loss(), 1e-6);
        assertArrayEquals(t.report().confusion()[1], r.confusion()[1]);
      }
    }
  }

  /**
   * The build a load fills draws nothing: its weights are zeros (a file's come next), its generator untouched, for the
   * MLP, the CNN and the ResNet alike; the default build draws PyTorch's initial weights.
   */
  @Test
  void aBuildForLoadingDrawsNoWeights() {
    for (Architecture spec : List.of(SPEC, new CnnSpec(new int[] {1, 8, 8}, 0.1, 3),
        new ResNetSpec(new int[] {1, 8, 8}, 8, 0.1, 3))) {
      Generator init = new Generator(5);
      io.jgrad.nn.Module zeros = spec.build(backend, Initializer.zeros(), init, new Generator(6));
      assertEquals(0, init.offset(), spec.kind());
      for (var p : zeros.namedParameters().entrySet()) {
        if (p.getKey().endsWith("weight") && p.getValue().value().shape().rank() > 1) {
          for (double v : p.getValue().value().toDoubleArray()) {
            assertEquals(0, v, spec.kind() + " " + p.getKey());
          }
        }
      }
      zeros.close();
      spec.build(backend, init, new Generator(6)).close();
      assertTrue(init.offset() > 0, spec.kind());
    }
  }

  @Test
  void aFileWithoutADescriptionOrWithAnUnknownKindIsRefusedNamingIt() throws IOException {
    Path plain = dir.resolve("plain.safetensors");
    Sequential model = SPEC.build(backend, new Generator(1), new Generator(2));
    try {
      ModelWeights.save(model, plain, Map.of());
      InvalidFileException e = assertThrows(InvalidFileException.class, () -> Predictor.load(plain, backend));
      assertTrue(e.getMessage().startsWith(plain + ": not a jgrad model file: metadata jgrad.model.kind is missing"),
          e.getMessage());
      Map<String, String> meta = new HashMap<>(ModelFile.of(SPEC, Standardizer.of(8, new double[] {0, 0},
          new double[] {1, 1}), null, "").metadata());
      meta.put("jgrad.model.kind", "transformer");
      Path unknown = dir.resolve("unknown.safetensors");
      ModelWeights.save(model, unknown, meta);
      e = assertThrows(InvalidFileException.class, () -> Predictor.load(unknown, backend));
      assertTrue(e.getMessage().contains("unknown model kind 'transformer' (known: cnn, mlp, resnet)"), e.getMessage());
      meta.put("jgrad.model.kind", "mlp");
      meta.put("jgrad.model.hidden", "16,x");
      Path bad = dir.resolve("bad.safetensors");
      ModelWeights.save(model, bad, meta);
      e = assertThrows(InvalidFileException.class, () -> Predictor.load(bad, backend));
      assertTrue(e.getMessage().contains("metadata jgrad.model.hidden is '16,x', expected integers"), e.getMessage());
    } finally {
      model.close();
    }
  }

  /** A table's column names go into the metadata and come back; a count other than the input's is refused. */
  @Test
  void aTablesFeatureNamesRoundTripThroughTheMetadata() {
    ModelFile plain = ModelFile.of(SPEC, Standardizer.of(8, new double[] {0, 0}, new double[] {1, 1}), null, "csv");
    assertEquals(List.of(), ModelFile.fromMetadata(plain.metadata(), "plain").featureNames());
    assertFalse(plain.metadata().containsKey("jgrad.input.columns"));
    List<String> names = List.of("a", "b \"quoted\"", "c", "d", "e", "f", "g", "h");
    ModelFile table = plain.withFeatureNames(names);
    assertEquals(names, ModelFile.fromMetadata(table.metadata(), "table").featureNames());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plain.withFeatureNames(List.of("a", "b")));
    assertEquals("2 column names for 8 features", e.getMessage());
    Map<String, List<String>> categories = Map.of("d", List.of("x, \"y\"", "z"));
    assertEquals(categories, ModelFile.fromMetadata(table.withCategories(categories).metadata(), "c").categories());
    assertFalse(table.metadata().containsKey("jgrad.input.categories"));
    Map<String, String> badCategories = new HashMap<>(table.metadata());
    badCategories.put("jgrad.input.categories", "{\"d\": [1]}");
    assertEquals("bad: bad model description: jgrad.input.categories is not a JSON object of arrays of strings",
        assertThrows(InvalidFileException.class, () -> ModelFile.fromMetadata(badCategories, "bad")).getMessage());
    Map<String, String> bad = new HashMap<>(table.metadata());
    bad.put("jgrad.input.columns", "{\"a\": 1}");
    InvalidFileException invalid = assertThrows(InvalidFileException.class, () -> ModelFile.fromMetadata(bad, "bad"));
    assertEquals("bad: bad model description: jgrad.input.columns is not a JSON array of strings", invalid.getMessage());
    // an imputed table's fill values, each float exactly
    float[] fill = {0.1f, 2.5f, 1e-7f, -3, 0, 1, 7.25f, 1e30f};
    ModelFile imputed = table.withImputer(io.jgrad.data.Imputer.of(fill));
    assertArrayEquals(fill, ModelFile.fromMetadata(imputed.metadata(), "imputed").fill());
    assertTrue(table.fill().length == 0 && !table.metadata().containsKey("jgrad.input.fill"));
    Map<String, String> badFill = new HashMap<>(imputed.metadata());
    badFill.put("jgrad.input.fill", "1,2");
    assertEquals("short: bad model description: 2 fill values for 8 features",
        assertThrows(InvalidFileException.class, () -> ModelFile.fromMetadata(badFill, "short")).getMessage());
    badFill.put("jgrad.input.fill", "1,2,3,4,5,6,7,NaN");
    assertEquals("short: bad model description: fill values must be finite, got NaN",
        assertThrows(InvalidFileException.class, () -> ModelFile.fromMetadata(badFill, "short")).getMessage());
  }

  /**
   * A regression model's file records its target standardisation: the predictor gives the model's outputs mapped back
   * to the targets' units (mean 100, std 20 here), scores them there, and refuses to name classes.
   */
  @Test
  void aRegressionModelPredictsValuesInTheTargetsUnits() throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {8}, new int[] {4}, "relu", 0, 1);
    Standardizer inputs = Standardizer.of(8, new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new double[] {2, 2, 2, 2, 1, 1, 1, 1});
    Standardizer targets = Standardizer.of(1, new double[] {100}, new double[] {20});
    ModelFile description = ModelFile.of(spec, inputs, null, "csv").regression(targets, List.of("price"));
    float[] raw = ToyRun.clusters(10, 4).features();
    Path file = dir.resolve("regression.safetensors");
    float[] outputs = savedOutputs(spec, description, file, raw);
    ModelFile read = ModelFile.read(file);
    assertTrue(read.isRegression());
    assertArrayEquals(new double[] {100}, read.targetScale().mean());
    assertArrayEquals(new double[] {20}, read.targetScale().std());
    assertEquals(List.of("price"), read.classNames());
    try (Predictor p = Predictor.load(file, backend)) {
      float[] values = p.values(raw);
      float[] truth = new float[10];
      for (int i = 0; i < 10; i++) {
        assertEquals(outputs[i] * 20 + 100, values[i], 1e-4, "example " + i);
        truth[i] = values[i] + (i % 2 == 0 ? 1 : -1); // off by one each
      }
      RegressionReport r = p.evaluateRegression(LabeledData.regression(raw, truth, 8, 1));
      assertEquals(1, r.mse(), 1e-6);
      assertEquals(1, r.mae(), 1e-6);
      assertEquals("a regression model predicts values (Predictor.values), not classes",
          assertThrows(IllegalStateException.class, () -> p.predict(raw)).getMessage());
    }
    assertFalse(ModelFile.of(spec, inputs, null, "csv").metadata().containsKey("jgrad.target.mean"));
  }

  /**
   * A multi-label model's file records its task: the predictor gives each label's σ(logit) of the model's outputs,
   * scores them as MultiLabelReport does on the logits, and refuses to name one class; an unknown task is refused.
   */
  @Test
  void aMultiLabelModelGivesEachLabelsProbability() throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {8}, new int[] {4}, "relu", 0, 3);
    Standardizer inputs = Standardizer.of(8, new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new double[] {2, 2, 2, 2, 1, 1, 1, 1});
    List<String> labels = List.of("sports", "news", "arts");
    ModelFile description = ModelFile.of(spec, inputs, null, "csv").multiLabel(labels);
    float[] raw = ToyRun.clusters(10, 4).features();
    Path file = dir.resolve("multilabel.safetensors");
    float[] logits = savedOutputs(spec, description, file, raw);
    ModelFile read = ModelFile.read(file);
    assertTrue(read.isMultiLabel() && !read.isRegression());
    assertEquals(labels, read.classNames());
    assertEquals("multilabel", read.metadata().get("jgrad.task"));
    float[] truth = new float[30];
    for (int i = 0; i < 30; i++) {
      truth[i] = (i * 7) % 3 == 0 ? 1 : 0;
    }
    try (Predictor p = Predictor.load(file, backend)) {
      float[] probabilities = p.labelProbabilities(raw);
      for (int i = 0; i < 30; i++) {
        assertEquals(1 / (1 + Math.exp(-logits[i])), probabilities[i], 1e-6, "output " + i);
      }
      MultiLabelReport expected = MultiLabelReport.ofLogits(logits, truth, 3);
      MultiLabelReport r = p.evaluateMultiLabel(LabeledData.regression(raw, truth, 8, 3));
      assertEquals(expected.subsetAccuracy(), r.subsetAccuracy());
      assertEquals(expected.f1Macro(), r.f1Macro());
      assertEquals(expected.loss(), r.loss(), 1e-6);
      assertEquals("a multi-label model gives each label's probability (Predictor.labelProbabilities), not one class",
          assertThrows(IllegalStateException.class, () -> p.predict(raw)).getMessage());
      assertEquals("the model reads 8 features into 3 labels; the data have 8 features and 2 label columns",
          assertThrows(IllegalArgumentException.class,
              () -> p.evaluateMultiLabel(LabeledData.regression(raw, new float[20], 8, 2))).getMessage());
    }
    assertFalse(ModelFile.of(spec, inputs, null, "csv").metadata().containsKey("jgrad.task"));
    Map<String, String> newer = new HashMap<>(description.metadata());
    newer.put("jgrad.task", "ranking");
    assertEquals("newer: bad model description: jgrad.task 'ranking' is not multilabel (a model of a newer jgrad?)",
        assertThrows(InvalidFileException.class, () -> ModelFile.fromMetadata(newer, "newer")).getMessage());
  }

  /**
   * Saves a model {@code spec} builds (seeds 5, 6) to {@code file} with {@code description}, and returns its outputs
   * for {@code raw} standardised as the description says: what the predictor of the file is to give.
   */
  private float[] savedOutputs(MlpSpec spec, ModelFile description, Path file, float[] raw) throws IOException {
    Sequential model = spec.build(backend, new Generator(5), new Generator(6));
    try {
      description.save(file, model);
      float[] x = raw.clone();
      description.standardizer().applyInPlace(x);
      try (io.jgrad.NoGrad ignored = io.jgrad.NoGrad.enter()) {
        return model.forward(io.jgrad.Tensor.of(backend, x, x.length / 8, 8)).toFloatArray();
      }
    } finally {
      model.close();
    }
  }

  private static int argmax(float[] x, int from, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      best = x[from + c] > x[from + best] ? c : best;
    }
    return best;
  }
}
