package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Integrated gradients of models whose answers are known: a linear model's attribution of a feature is its weight
 * times the feature's distance from the mean, exactly; a nonlinear model's attributions add up to its output's change
 * from the baseline, and with one step are the input times the gradient halfway, which central differences of the
 * model's own predictions give.
 */
class IntegratedGradientsTest extends ScalarBackendTest {
  /** x0, x1 and a column of text, color, one-hot encoded. */
  private static final List<String> FEATURES = List.of("x0", "x1", "color_blue", "color_red");
  private static final Map<String, List<String>> CATEGORIES = Map.of("color", List.of("blue", "red"));
  private static final double[] MEAN = {1, -2, 0.4, 0.6};
  private static final double[] STD = {2, 0.5, 0.5, 0.5};

  /** A model of the four features (hidden layers {@code hidden}), its weights drawn, or set where given, saved and loaded. */
  private Predictor model(int[] hidden, int outputs, String task, float[] weights) throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {4}, hidden, "relu", 0, outputs);
    ModelFile description = ModelFile.of(spec, Standardizer.of(4, MEAN, STD),
        task.equals("classes") ? List.of("a", "b", "c").subList(0, outputs) : null, "csv").withFeatureNames(FEATURES)
        .withCategories(CATEGORIES);
    if (task.equals("regression")) {
      description = description.regression(Standardizer.of(1, new double[] {10}, new double[] {3}), List.of("y"));
    } else if (task.equals("labels")) {
      description = description.multiLabel(List.of("p", "q"));
    }
    Sequential model = spec.build(backend, new Generator(3), new Generator(4));
    if (weights != null) {
      model.namedParameters().get("0.weight").set(Tensor.of(backend, weights, outputs, 4));
      model.namedParameters().get("0.bias").set(Tensor.of(backend, new float[] {0.5f}, outputs));
    }
    Path file = dir.resolve(task + ".safetensors");
    description.save(file, model);
    model.close();
    return Predictor.load(file, backend);
  }

  private static float[] rows(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n * 4];
    for (int i = 0; i < n; i++) {
      x[i * 4] = (float) (1 + 2 * random.nextGaussian());
      x[i * 4 + 1] = (float) (-2 + 0.5 * random.nextGaussian());
      boolean red = random.nextBoolean();
      x[i * 4 + 2] = red ? 0 : 1;
      x[i * 4 + 3] = red ? 1 : 0;
    }
    return x;
  }

  /**
   * y = 10 + 3·(w·z + 0.5), z the standardised features: feature f's attribution is 3·w_f·z_f, the value's change in
   * y's units; the color's is its two categories' together.
   */
  @Test
  void aLinearModelsAttributionsAreItsWeightsTimesTheDistanceFromTheMean() throws IOException {
    float[] w = {1.5f, -2, 0.25f, 0.75f};
    float[] x = rows(7, 1);
    try (Predictor p = model(new int[0], 1, "regression", w)) {
      List<List<IntegratedGradients.Attribution>> all = IntegratedGradients.explain(p, x, 3);
      float[] values = p.values(x);
      for (int r = 0; r < 7; r++) {
        IntegratedGradients.Attribution a = all.get(r).get(0);
        assertEquals("y", a.output());
        assertEquals(values[r], a.value(), 1e-6);
        assertEquals(10 + 3 * 0.5, a.baselineValue(), 1e-5);
        double[] expected = new double[4];
        for (int f = 0; f < 4; f++) {
          expected[f] = 3 * w[f] * (x[r * 4 + f] - MEAN[f]) / STD[f];
        }
        assertArrayEquals(expected, a.features(), 1e-5);
        assertEquals(0, a.delta(), 1e-5);
        Map<String, Double> byColumn = a.byColumn(p.description().inputColumns());
        assertEquals(List.of("x0", "x1", "color"), List.copyOf(byColumn.keySet()));
        assertEquals(expected[2] + expected[3], byColumn.get("color"), 1e-5);
      }
    }
  }

  /**
   * A classifier of three classes through two ReLU layers: the class explained is the one predicted, its probability
   * as predicted; the attributions add up to the probability's change from the baseline within the midpoint rule's
   * error, which shrinks with more steps.
   */
  @Test
  void aClassifiersAttributionsAddUpToItsProbabilitysChange() throws IOException {
    float[] x = rows(20, 2);
    try (Predictor p = model(new int[] {16, 8}, 3, "classes", null)) {
      List<Prediction> predictions = p.predict(x);
      List<List<IntegratedGradients.Attribution>> coarse = IntegratedGradients.explain(p, x, 8);
      List<List<IntegratedGradients.Attribution>> fine = IntegratedGradients.explain(p, x, 400);
      double coarseError = 0;
      double fineError = 0;
      for (int r = 0; r < 20; r++) {
        IntegratedGradients.Attribution a = fine.get(r).get(0);
        assertEquals(1, fine.get(r).size());
        assertEquals(predictions.get(r).className(), a.output());
        assertEquals(predictions.get(r).probability(), a.value(), 1e-6);
        assertTrue(Math.abs(a.delta()) < 2e-3, "row " + r + ": delta " + a.delta());
        coarseError += Math.abs(coarse.get(r).get(0).delta());
        fineError += Math.abs(a.delta());
      }
      assertTrue(fineError < coarseError, fineError + " against " + coarseError);
      for (Parameter w : p.model().parameters()) {
        assertTrue(w.value().requiresGrad(), "a weight left without its gradient");
      }
    }
  }

  /**
   * With one step the attribution is z ⊙ ∇f(z/2): the gradient of each label's probability halfway along the path,
   * checked by central differences of predict's own probabilities there (in float32, hence the tolerance).
   */
  @Test
  void oneStepIsTheInputTimesTheGradientHalfway() throws IOException {
    float[] x = rows(5, 3);
    try (Predictor p = model(new int[] {6}, 2, "labels", null)) {
      List<List<IntegratedGradients.Attribution>> all = IntegratedGradients.explain(p, x, 1);
      float h = 1e-2f;
      for (int r = 0; r < 5; r++) {
        assertEquals(2, all.get(r).size());
        for (int l = 0; l < 2; l++) {
          IntegratedGradients.Attribution a = all.get(r).get(l);
          assertEquals(List.of("p", "q").get(l), a.output());
          for (int f = 0; f < 4; f++) {
            double z = (x[r * 4 + f] - MEAN[f]) / STD[f];
            float[] plus = halfway(x, r);
            float[] minus = halfway(x, r);
            plus[f] += (float) (h * STD[f]);
            minus[f] -= (float) (h * STD[f]);
            double slope = (p.labelProbabilities(plus)[l] - p.labelProbabilities(minus)[l]) / (2 * h);
            assertEquals(z * slope, a.features()[f], 2e-3, "row " + r + ", label " + l + ", feature " + f);
          }
        }
      }
    }
  }

  /** Row {@code r} halfway between the mean (the baseline) and itself, in raw units. */
  private static float[] halfway(float[] x, int r) {
    float[] row = new float[4];
    for (int f = 0; f < 4; f++) {
      row[f] = (float) ((MEAN[f] + x[r * 4 + f]) / 2);
    }
    return row;
  }

  /**
   * A CNN (convolutions, batch norm with its running statistics, max-pooling) is explained as an MLP is: each pixel
   * an attribution, adding up to the predicted class's probability change from the average image.
   */
  @Test
  void aCnnsPixelsAddUpToItsProbabilitysChange() throws IOException {
    CnnSpec spec = new CnnSpec(new int[] {1, 8, 8}, 0.2, 3);
    ModelFile description = ModelFile.of(spec, Standardizer.of(64, new double[] {0.3}, new double[] {0.2}),
        List.of("a", "b", "c"), "images");
    Sequential cnn = spec.build(backend, new Generator(5), new Generator(6));
    Path file = dir.resolve("cnn.safetensors");
    description.save(file, cnn);
    cnn.close();
    Random random = new Random(7);
    float[] images = new float[2 * 64];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat();
    }
    try (Predictor p = Predictor.load(file, backend)) {
      List<List<IntegratedGradients.Attribution>> all = IntegratedGradients.explain(p, images, 200);
      for (int r = 0; r < 2; r++) {
        IntegratedGradients.Attribution a = all.get(r).get(0);
        assertEquals(64, a.features().length);
        assertEquals(p.predict(images).get(r).probability(), a.value(), 1e-6);
        assertTrue(Math.abs(a.delta()) < 5e-3 * Math.max(1e-2, Math.abs(a.value() - a.baselineValue())) + 1e-4,
            "image " + r + ": delta " + a.delta() + " of a change " + (a.value() - a.baselineValue()));
      }
    }
  }

  @Test
  void noStepIsRefused() throws IOException {
    try (Predictor p = model(new int[0], 1, "regression", new float[4])) {
      assertThrows(IllegalArgumentException.class, () -> IntegratedGradients.explain(p, rows(1, 4), 0));
    }
  }
}
