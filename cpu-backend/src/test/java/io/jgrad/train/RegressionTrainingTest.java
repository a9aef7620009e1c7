package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.data.Standardizer;
import io.jgrad.loss.MseLoss;
import io.jgrad.nn.Linear;
import io.jgrad.optim.Adam;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Trainer} fits regression data (float targets, {@link MseLoss}) as it fits classes: a linear layer learns
 * two linear targets of three features, on the host-checked step and on the device-decided one; each epoch's test
 * accuracy is NaN, its test loss is the MSE, and {@link RegressionReport} scores the model in the targets' units.
 */
class RegressionTrainingTest {
  private static final int EXAMPLES = 300;

  /** y = (2a − b + 0.5c + 1, −a + 3) for features a, b, c from N(0, 1). */
  private static LabeledData linear(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[EXAMPLES * 3];
    float[] y = new float[EXAMPLES * 2];
    for (int i = 0; i < EXAMPLES; i++) {
      float a = (float) rng.nextGaussian();
      float b = (float) rng.nextGaussian();
      float c = (float) rng.nextGaussian();
      x[3 * i] = a;
      x[3 * i + 1] = b;
      x[3 * i + 2] = c;
      y[2 * i] = 2 * a - b + 0.5f * c + 1;
      y[2 * i + 1] = -a + 3;
    }
    return LabeledData.regression(x, y, 3, 2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLinearLayerLearnsLinearTargets(boolean deviceGuard) {
    try (Backend backend = Backends.create("cpu")) {
      LabeledData train = linear(1);
      LabeledData test = linear(2);
      Linear model = new Linear(backend, 3, 2, new Generator(0));
      Adam adam = new Adam(model.namedParameters(), 0.05);
      try (DataLoader trainBatches = DataLoader.builder(train).batchSize(32).shuffle(true).build(backend);
          DataLoader testBatches = DataLoader.builder(test).batchSize(100).build(backend)) {
        Trainer trainer = new Trainer(model, adam, new MseLoss()).deviceGuard(deviceGuard);
        List<EpochMetrics> history = trainer.fit(trainBatches, testBatches, 40);
        EpochMetrics last = history.get(history.size() - 1);
        assertTrue(Double.isNaN(last.testAccuracy()), "no accuracy for values: " + last.testAccuracy());
        assertTrue(last.testLoss() < 1e-4, "test MSE " + last.testLoss());
        assertTrue(last.trainLoss() < history.get(0).trainLoss() / 100, history.get(0) + " → " + last);
        RegressionReport scored = RegressionReport.of(model, testBatches, null);
        assertEquals(last.testLoss(), scored.mse(), 1e-7, "the epoch's test loss is the report's MSE");
        assertTrue(scored.r2() > 0.9999, "R² " + scored.r2());
        // In other units (targets scaled by 10 and shifted by 5), the errors scale and R² does not change.
        Standardizer units = Standardizer.of(2, new double[] {5, 5}, new double[] {10, 10});
        RegressionReport inUnits = RegressionReport.of(model, testBatches, units);
        assertEquals(scored.rmse() * 10, inUnits.rmse(), 1e-4);
        assertEquals(scored.mae() * 10, inUnits.mae(), 1e-4);
        assertEquals(scored.r2(), inUnits.r2(), 1e-6);
      } finally {
        model.close();
      }
    }
  }
}
