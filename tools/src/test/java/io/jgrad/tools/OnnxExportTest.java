package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.AvgPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Unflatten;
import io.jgrad.train.MultiLabelReport;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link OnnxExport} writes, run in ONNX Runtime on raw inputs, gives what {@link Predictor} gives on them: the
 * probabilities (and the logits behind them) of a classifier, a regression model's values in its target's units.
 */
class OnnxExportTest extends ScalarBackendTest {
  /** float32 through other kernels (ONNX Runtime's MLAS against jgrad's reference loops), summed in other orders. */
  private static final float TOLERANCE = 2e-5f;

  private static float[] uniform(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat();
    }
    return x;
  }

  /** {@code description}'s model, with {@code model}'s weights, saved and loaded again as predict loads it. */
  private Predictor saved(ModelFile description, Module model) throws IOException {
    Path file = dir.resolve("m.safetensors");
    description.save(file, model);
    model.close();
    return Predictor.load(file, backend);
  }

  /** ONNX Runtime's outputs for {@code x}, rows of {@code shape}. */
  private static Map<String, float[][]> run(byte[] onnx, float[] x, int[] shape) throws OrtException {
    OrtEnvironment env;
    try {
      env = OrtEnvironment.getEnvironment();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      Assumptions.abort("ONNX Runtime does not load here: " + e);
      throw e;
    }
    long[] dims = new long[shape.length + 1];
    int features = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    dims[0] = x.length / features;
    for (int d = 0; d < shape.length; d++) {
      dims[d + 1] = shape[d];
    }
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
        OrtSession.Result result = session.run(Map.of("input", input))) {
      Map<String, float[][]> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        outputs.put(e.getKey(), (float[][]) e.getValue().getValue());
      }
      return outputs;
    }
  }

  /** Predictor's probabilities and ONNX Runtime's for the same raw rows, and the logits' softmax agreeing. */
  private void assertSameClassifier(Predictor p, int[] shape, float[] x) throws OrtException {
    byte[] onnx = OnnxExport.of(p.description(), p.model());
    Map<String, float[][]> out = run(onnx, x, shape);
    assertEquals(List.of("logits", "probabilities"), List.copyOf(out.keySet()));
    List<Prediction> expected = p.predict(x);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).probabilities(), out.get("probabilities")[i], TOLERANCE, "row " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"relu", "leaky-relu", "elu", "gelu", "tanh", "sigmoid"})
  void anMlpOnImagesRunsInOnnxRuntimeAsInThePredictor(String activation) throws Exception {
    int[] shape = {1, 6, 5};
    MlpSpec spec = new MlpSpec(shape, new int[] {12, 7}, activation, 0.3, 4);
    Standardizer st = Standardizer.of(30, new double[] {0.4}, new double[] {0.25});
    ModelFile description = ModelFile.of(spec, st, List.of("a", "b", "c", "d"), "images");
    try (Predictor p = saved(description, spec.build(backend, new Generator(3), new Generator(4)))) {
      assertSameClassifier(p, shape, uniform(9 * 30, 5));
    }
  }

  /**
   * A calibrated model ({@code train --calibrate}): its probabilities in ONNX Runtime are the Predictor's, the softmax
   * of the logits divided by the temperature, and its predictions those of the same weights uncalibrated.
   */
  @Test
  void aCalibratedModelsProbabilitiesAreTempered() throws Exception {
    int[] shape = {6};
    MlpSpec spec = new MlpSpec(shape, new int[] {10}, "relu", 0, 3);
    ModelFile plain = ModelFile.of(spec, Standardizer.of(6, new double[6], new double[] {1, 1, 1, 1, 1, 1}), null,
        "csv");
    Module model = spec.build(backend, new Generator(7), new Generator(8));
    Path raw = dir.resolve("raw.safetensors");
    plain.save(raw, model);
    float[] x = uniform(8 * 6, 9);
    try (Predictor calibrated = saved(plain.withTemperature(0.5), model); Predictor uncalibrated =
        Predictor.load(raw, backend)) {
      assertEquals(0.5, calibrated.description().temperature()); // read back from the file's metadata
      assertSameClassifier(calibrated, shape, x);
      assertThrows(IllegalArgumentException.class, () -> plain.withTemperature(0));
      assertThrows(IllegalArgumentException.class, () -> plain.multiLabel(List.of("a", "b", "c")).withTemperature(2));
      List<Prediction> sharp = calibrated.predict(x);
      List<Prediction> soft = uncalibrated.predict(x);
      for (int i = 0; i < 8; i++) {
        assertEquals(soft.get(i).label(), sharp.get(i).label(), "row " + i);
        // softmax(z / 0.5) is softmax(z) squared, normalised
        float[] p = soft.get(i).probabilities();
        double norm = 0;
        for (float v : p) {
          norm += (double) v * v;
        }
        for (int c = 0; c < 3; c++) {
          assertEquals(p[c] * p[c] / norm, sharp.get(i).probabilities()[c], 1e-5, "row " + i + ", class " + c);
        }
      }
    }
  }

  /** The CNN: Conv, BatchNormalization with running statistics a few training batches moved, MaxPool, the head. */
  @Test
  void aCnnRunsInOnnxRuntimeAsInThePredictor() throws Exception {
    int[] shape = {3, 8, 8};
    CnnSpec spec = new CnnSpec(shape, 0.2, 3);
    Sequential model = spec.build(backend, new Generator(6), new Generator(7));
    model.train(true);
    try (NoGrad ignored = NoGrad.enter()) {
      for (int b = 0; b < 3; b++) {
        try (Scope batch = Scope.open()) { // the batch and every layer's output closed with it
          model.forward(Tensor.of(backend, uniform(4 * 192, 10 + b), 4, 192));
        }
      }
    }
    Standardizer st = Standardizer.of(192, new double[] {0.5, 0.4, 0.3}, new double[] {0.2, 0.25, 0.3});
    try (Predictor p = saved(ModelFile.of(spec, st, List.of("x", "y", "z"), "images"), model)) {
      assertSameClassifier(p, shape, uniform(5 * 192, 11));
    }
  }

  /**
   * The ResNet: a stem, blocks with the identity and with a downsampling shortcut (Add), GlobalAveragePool, the
   * Linear; batch norms with running statistics a few training batches moved.
   */
  @Test
  void aResNetRunsInOnnxRuntimeAsInThePredictor() throws Exception {
    int[] shape = {3, 9, 7};
    ResNetSpec spec = new ResNetSpec(shape, 8, 0.1, 4);
    Sequential model = spec.build(backend, new Generator(6), new Generator(7));
    int features = spec.featureSize();
    try (NoGrad ignored = NoGrad.enter()) {
      for (int b = 0; b < 3; b++) {
        try (Scope batch = Scope.open()) {
          model.forward(Tensor.of(backend, uniform(4 * features, 20 + b), 4, features));
        }
      }
    }
    Standardizer st = Standardizer.of(features, new double[] {0.5, 0.4, 0.3}, new double[] {0.2, 0.25, 0.3});
    try (Predictor p = saved(ModelFile.of(spec, st, List.of("a", "b", "c", "d"), "images"), model)) {
      assertSameClassifier(p, shape, uniform(5 * features, 21));
    }
  }

  /** A regression MLP of five features (its input and target standardised) and its model file's description. */
  private static final MlpSpec REGRESSOR = new MlpSpec(new int[] {5}, new int[] {8}, "relu", 0, 1);

  private static ModelFile regressorDescription() {
    Standardizer st = Standardizer.of(5, new double[] {1, -2, 3, 0, 10}, new double[] {2, 0.5, 1, 3, 4});
    Standardizer target = Standardizer.of(1, new double[] {250}, new double[] {40});
    return ModelFile.of(REGRESSOR, st, List.of("price"), "csv").regression(target, List.of("price"));
  }

  private Predictor regressor(ModelFile description) throws IOException {
    return saved(description, REGRESSOR.build(backend, new Generator(8), new Generator(9)));
  }

  @Test
  void aRegressionModelGivesValuesInItsTargetsUnits() throws Exception {
    try (Predictor p = regressor(regressorDescription())) {
      float[] x = uniform(6 * 5, 12);
      Map<String, float[][]> out = run(OnnxExport.of(p.description(), p.model()), x, REGRESSOR.inputShape());
      assertEquals(List.of("value"), List.copyOf(out.keySet()));
      float[] expected = p.values(x);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], out.get("value")[i][0], 1e-3, "row " + i); // ~250: the same relative tolerance
      }
    }
  }

  /** A model of several targets gives each in its own units: the value output is N × targets. */
  @Test
  void aModelOfSeveralTargetsGivesEachInItsUnits() throws Exception {
    MlpSpec three = new MlpSpec(new int[] {5}, new int[] {8}, "relu", 0, 3);
    Standardizer st = Standardizer.of(5, new double[] {1, -2, 3, 0, 10}, new double[] {2, 0.5, 1, 3, 4});
    Standardizer targets = Standardizer.of(3, new double[] {250, -3, 0.01}, new double[] {40, 2, 0.001});
    List<String> names = List.of("price", "rent", "tax");
    ModelFile description = ModelFile.of(three, st, names, "csv").regression(targets, names);
    try (Predictor p = saved(description, three.build(backend, new Generator(8), new Generator(9)))) {
      float[] x = uniform(6 * 5, 14);
      float[][] out = run(OnnxExport.of(p.description(), p.model()), x, three.inputShape()).get("value");
      float[] expected = p.values(x);
      assertEquals(6, out.length);
      for (int i = 0; i < expected.length; i++) {
        float tolerance = 1e-5f * (float) targets.std()[i % 3] * 100; // the same relative tolerance each
        assertEquals(expected[i], out[i / 3][i % 3], tolerance, "row " + i / 3 + ", target " + i % 3);
      }
    }
  }

  /**
   * A multi-label model gives each label's logit and its probability, the sigmoid, as the Predictor's; the file
   * records the task, so that predict and eval read it as multi-label again.
   */
  @Test
  void aMultiLabelModelGivesEachLabelsProbability() throws Exception {
    MlpSpec three = new MlpSpec(new int[] {5}, new int[] {8}, "relu", 0, 3);
    Standardizer st = Standardizer.of(5, new double[] {1, -2, 3, 0, 10}, new double[] {2, 0.5, 1, 3, 4});
    List<String> labels = List.of("sports", "news", "arts");
    ModelFile description = ModelFile.of(three, st, null, "csv").multiLabel(labels);
    try (Predictor p = saved(description, three.build(backend, new Generator(8), new Generator(9)))) {
      assertTrue(p.description().isMultiLabel());
      assertEquals(labels, p.description().classNames());
      float[] x = uniform(6 * 5, 15);
      Map<String, float[][]> out = run(OnnxExport.of(p.description(), p.model()), x, three.inputShape());
      assertEquals(List.of("logits", "probabilities"), List.copyOf(out.keySet()));
      float[] expected = p.labelProbabilities(x);
      for (int i = 0; i < expected.length; i++) {
        String at = "row " + i / 3 + ", label " + i % 3;
        assertEquals(expected[i], out.get("probabilities")[i / 3][i % 3], TOLERANCE, at);
        assertEquals(expected[i], MultiLabelReport.probability(out.get("logits")[i / 3][i % 3]), TOLERANCE, at);
      }
    }
  }

  /** A model trained with imputation fills NaN inputs with its fill values, in ONNX Runtime as in the Predictor. */
  @Test
  void missingValuesAreFilledAsThePredictorFillsThem() throws Exception {
    float[] fill = {0.5f, -2, 3.25f, 0, 1};
    try (Predictor p = regressor(regressorDescription().withImputer(io.jgrad.data.Imputer.of(fill)))) {
      float[] x = uniform(6 * 5, 13);
      float[] filled = x.clone();
      for (int i = 0; i < x.length; i += 3) {
        x[i] = Float.NaN;
        filled[i] = fill[i % 5];
      }
      float[] expected = p.values(filled);
      assertArrayEquals(expected, p.values(x)); // the Predictor fills a NaN itself
      Map<String, float[][]> out = run(OnnxExport.of(p.description(), p.model()), x, REGRESSOR.inputShape());
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], out.get("value")[i][0], 1e-3, "row " + i);
      }
    }
  }

  @Test
  void theModelFilesMetadataTravelsWithIt() throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {4}, new int[] {3}, "relu", 0, 2);
    ModelFile description = ModelFile.of(spec, Standardizer.of(4, new double[] {0, 0, 0, 0},
        new double[] {1, 1, 1, 1}), List.of("no", "yes"), "csv");
    try (Predictor p = saved(description, spec.build(backend, new Generator(1), new Generator(2)));
        OrtSession session = OrtEnvironment.getEnvironment().createSession(OnnxExport.of(p.description(), p.model()),
            new OrtSession.SessionOptions())) {
      Map<String, String> props = session.getMetadata().getCustomMetadata();
      assertEquals(description.metadata(), props);
      assertEquals("jgrad", session.getMetadata().getProducerName());
      TensorInfo input = (TensorInfo) session.getInputInfo().get("input").getInfo();
      assertArrayEquals(new long[] {-1, 4}, input.getShape()); // the batch symbolic
      assertEquals(List.of("logits", "probabilities"), List.copyOf(session.getOutputNames()));
    } catch (UnsatisfiedLinkError e) {
      Assumptions.abort("ONNX Runtime does not load here: " + e);
    }
  }

  @Test
  void aLayerWithoutAnOnnxFormIsOneLine() throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {1, 4, 4}, new int[] {3}, "relu", 0, 2);
    ModelFile description = ModelFile.of(spec, Standardizer.of(16, new double[] {0}, new double[] {1}),
        List.of("a", "b"), "images");
    Sequential odd = new Sequential(new Unflatten(1, 4, 4), new AvgPool2d(2)); // no parameters to close
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.of(description, odd));
    assertEquals("ONNX export: layer 1 (AvgPool2d) has no ONNX form here", e.getMessage());
  }

  @Test
  void writingReplacesTheFileWhole() throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {3}, new int[] {2}, "tanh", 0, 2);
    ModelFile description = ModelFile.of(spec, Standardizer.of(3, new double[] {0, 0, 0}, new double[] {1, 1, 1}),
        List.of("a", "b"), "csv");
    Path onnx = Files.writeString(dir.resolve("m.onnx"), "an older file");
    try (Predictor p = saved(description, spec.build(backend, new Generator(1), new Generator(2)))) {
      OnnxExport.write(p, onnx);
      assertArrayEquals(OnnxExport.of(p.description(), p.model()), Files.readAllBytes(onnx));
    }
  }
}
