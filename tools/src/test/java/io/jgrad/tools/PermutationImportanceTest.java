package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.data.LabeledData;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Linear models whose weights are set by hand, so that what shuffling a column costs is known: a column the model
 * ignores scores 0 exactly, and one it copies scores what the shuffle's statistics say.
 */
class PermutationImportanceTest extends ScalarBackendTest {
  private static final int ROWS = 2000;
  /** x0, x1 and a column of text, color, one-hot encoded. */
  private static final List<String> FEATURES = List.of("x0", "x1", "color_blue", "color_red");
  private static final Map<String, List<String>> CATEGORIES = Map.of("color", List.of("blue", "red"));

  /** Rows of x0 (centred), x1 from N(0, 1), and a color, blue or red. */
  private static float[] rows(long seed) {
    Random random = new Random(seed);
    float[] x = new float[ROWS * 4];
    double sum = 0;
    for (int i = 0; i < ROWS; i++) {
      x[i * 4] = (float) random.nextGaussian();
      sum += x[i * 4];
      x[i * 4 + 1] = (float) random.nextGaussian();
      boolean red = random.nextBoolean();
      x[i * 4 + 2] = red ? 0 : 1;
      x[i * 4 + 3] = red ? 1 : 0;
    }
    float mean = (float) (sum / ROWS);
    for (int i = 0; i < ROWS; i++) {
      x[i * 4] -= mean;
    }
    return x;
  }

  /** A linear model of the four features with these weights (outputs × 4), no bias, saved and loaded. */
  private Predictor linear(float[] weights, int outputs, boolean regression) throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {4}, new int[0], "relu", 0, outputs);
    Standardizer identity = Standardizer.of(4, new double[4], new double[] {1, 1, 1, 1});
    ModelFile description = ModelFile.of(spec, identity, null, "csv").withFeatureNames(FEATURES)
        .withCategories(CATEGORIES);
    if (regression) {
      description = description.regression(Standardizer.of(1, new double[1], new double[] {1}), List.of("y"));
    }
    Sequential model = spec.build(backend, new Generator(1), new Generator(2));
    model.namedParameters().get("0.weight").set(Tensor.of(backend, weights, outputs, 4));
    model.namedParameters().get("0.bias").set(Tensor.of(backend, new float[outputs], outputs));
    Path file = dir.resolve("linear.safetensors");
    description.save(file, model);
    model.close();
    return Predictor.load(file, backend);
  }

  /**
   * y = 2·x0, fitted exactly (R² 1). Shuffled, x0's loss of R² is 2 − 2·Σx_i·x_π(i)/Σx², whose mean over
   * permutations is 2 + 2/(n − 1); x1 and the color, weighted 0, lose nothing at all.
   */
  @Test
  void aRegressionModelLosesR2OnlyForTheColumnItReads() throws IOException {
    float[] x = rows(1);
    float[] y = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = 2 * x[i * 4];
    }
    try (Predictor p = linear(new float[] {2, 0, 0, 0}, 1, true)) {
      LabeledData data = LabeledData.regression(x, y, 4, 1);
      List<PermutationImportance.Column> columns = PermutationImportance.of(p, data, 20, 7);
      assertEquals(List.of("x0", "x1", "color"), columns.stream().map(PermutationImportance.Column::name).toList());
      assertEquals(2 + 2.0 / (ROWS - 1), columns.get(0).mean(), 0.05); // 20 shuffles: a spread of about 0.014
      for (PermutationImportance.Column ignored : columns.subList(1, 3)) {
        assertArrayEquals(new double[20], ignored.drops(), ignored.name());
        assertEquals(0, ignored.std(), ignored.name());
      }
      double[] drops = columns.get(0).drops();
      double mean = Arrays.stream(drops).average().orElseThrow();
      assertEquals(mean, columns.get(0).mean(), 1e-15);
      assertEquals(Math.sqrt(Arrays.stream(drops).map(d -> (d - mean) * (d - mean)).sum() / drops.length),
          columns.get(0).std(), 1e-15); // numpy's std, ddof 0
      // The same seed shuffles the same way; another seed otherwise.
      assertArrayEquals(drops, PermutationImportance.of(p, data, 20, 7).get(0).drops());
      assertFalse(Arrays.equals(drops, PermutationImportance.of(p, data, 20, 8).get(0).drops()));
    }
  }

  /** A classifier's weights (2 × 4) that read the color alone: class 1's logit is color_red, class 0's color_blue. */
  private static final float[] COLOR = {0, 0, 1, 0, 0, 0, 0, 1};

  /** The rows labelled by their color: 1 where red. */
  private static LabeledData byColor(float[] x) {
    int[] labels = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      labels[i] = x[i * 4 + 3] == 1 ? 1 : 0;
    }
    return new LabeledData(x, labels, 4, 2);
  }

  /**
   * A classifier that reads the color alone (its two one-hot features shuffled together, as one column): its accuracy
   * falls from 1 to the chance that a shuffled row keeps its color, about 1/2.
   */
  @Test
  void aClassifierLosesAccuracyForTheColumnOfTextItReads() throws IOException {
    try (Predictor p = linear(COLOR, 2, false)) {
      List<PermutationImportance.Column> columns = PermutationImportance.of(p, byColor(rows(2)), 5, 3);
      assertEquals("color", columns.get(0).name());
      assertEquals(0.5, columns.get(0).mean(), 0.05);
      assertEquals(List.of("x0", "x1"), columns.subList(1, 3).stream().map(PermutationImportance.Column::name)
          .toList());
      assertEquals(0, columns.get(1).mean());
      assertEquals(0, columns.get(2).mean());
    }
  }

  /**
   * The same classifier scored by its ROC AUC: 1 with the color, about 1/2 (scores that know nothing) with it
   * shuffled; the columns it ignores lose exactly nothing. A regression model has no AUC.
   */
  @Test
  void theRocAucLostScoresTheRanking() throws IOException {
    try (Predictor p = linear(COLOR, 2, false)) {
      List<PermutationImportance.Column> columns = PermutationImportance.of(p, byColor(rows(4)), 5, 3,
          PermutationImportance.Scoring.ROC_AUC);
      assertEquals("color", columns.get(0).name());
      assertEquals(0.5, columns.get(0).mean(), 0.05);
      assertArrayEquals(new double[5], columns.get(1).drops());
      assertArrayEquals(new double[5], columns.get(2).drops());
    }
    try (Predictor p = linear(new float[] {2, 0, 0, 0}, 1, true)) {
      LabeledData data = LabeledData.regression(rows(3), new float[ROWS], 4, 1);
      assertThrows(IllegalArgumentException.class,
          () -> PermutationImportance.of(p, data, 1, 1, PermutationImportance.Scoring.ROC_AUC));
    }
  }

  @Test
  void aModelOfImagesOrNoRepeatsIsRefused() throws IOException {
    try (Predictor p = linear(new float[] {2, 0, 0, 0}, 1, true)) {
      LabeledData data = LabeledData.regression(rows(3), new float[ROWS], 4, 1);
      assertEquals("repeats must be >= 1, got 0",
          assertThrows(IllegalArgumentException.class, () -> PermutationImportance.of(p, data, 0, 1)).getMessage());
    }
    MlpSpec spec = new MlpSpec(new int[] {1, 2, 2}, new int[0], "relu", 0, 2);
    Path file = dir.resolve("image.safetensors");
    Sequential model = spec.build(backend, new Generator(1), new Generator(2));
    ModelFile.of(spec, Standardizer.of(1, new double[1], new double[] {1}), null, "digits").save(file, model);
    model.close();
    try (Predictor p = Predictor.load(file, backend)) {
      assertEquals("permutation importance is for a model of a table (its columns)",
          assertThrows(IllegalArgumentException.class,
              () -> PermutationImportance.of(p, new LabeledData(new float[8], new int[2], 4, 2), 5, 1)).getMessage());
    }
  }
}
