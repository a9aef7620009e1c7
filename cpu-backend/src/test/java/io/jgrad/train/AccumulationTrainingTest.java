package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamOptions;
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Trainer#accumulate}: three batches of 10 a step train as one batch of 30, the epoch's last and shorter group
 * (100 examples: 30, 30, 30, 10) included, on the host-checked step and on the device-decided one.
 */
class AccumulationTrainingTest extends ReferenceBackendTest {
  private static final int EPOCHS = 3;

  private record Outcome(List<EpochMetrics> history, float[] weights, long steps) {}

  private static Outcome train(LabeledData data, int batch, int accumulate, boolean deviceGuard) {
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, data.featureSize(), 24, init), new ReLU(),
        new Linear(backend, 24, data.numClasses(), init));
    try (DataLoader loader = DataLoader.builder(data).batchSize(batch).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), AdamOptions.learningRate(0.01).withWeightDecay(0.05))) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).deviceGuard(deviceGuard)
          .clipNorm(5).accumulate(accumulate);
      List<EpochMetrics> history = trainer.fit(loader, null, EPOCHS);
      float[] weights = model.namedParameters().get("0.weight").value().toFloatArray();
      model.close();
      return new Outcome(history, weights, opt.steps());
    }
  }

  @ParameterizedTest(name = "device guard {0}")
  @ValueSource(booleans = {false, true})
  void threeBatchesOfTenStepAsOneOfThirty(boolean deviceGuard) {
    LabeledData data = TrainerTest.clusters(100, 1);
    Outcome accumulated = train(data, 10, 3, deviceGuard);
    Outcome whole = train(data, 30, 1, deviceGuard);
    assertEquals(4L * EPOCHS, accumulated.steps());
    assertEquals(whole.steps(), accumulated.steps());
    assertArrayEquals(whole.weights(), accumulated.weights(), 2e-6f);
    for (int e = 0; e < EPOCHS; e++) {
      assertEquals(whole.history().get(e).trainLoss(), accumulated.history().get(e).trainLoss(), 2e-6, "epoch " + e);
    }
    Outcome alone = train(data, 10, 1, deviceGuard);
    assertEquals(10L * EPOCHS, alone.steps());
    assertTrue(Math.abs(alone.weights()[0] - accumulated.weights()[0]) > 1e-4, "batches of 10 alone train otherwise");
  }

  /** A group that holds a batch with a NaN is skipped whole: one step of the epoch's four, the model kept finite. */
  @ParameterizedTest(name = "device guard {0}")
  @ValueSource(booleans = {false, true})
  void aGroupWithANonFiniteLossIsSkippedWhole(boolean deviceGuard) {
    LabeledData clean = TrainerTest.clusters(100, 1);
    float[] x = clean.features().clone();
    x[15 * clean.featureSize()] = Float.NaN; // example 15: the second batch of the first group, unshuffled
    LabeledData data = new LabeledData(x, clean.labels(), clean.featureSize(), clean.numClasses());
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, data.featureSize(), 24, init), new ReLU(),
        new Linear(backend, 24, data.numClasses(), init));
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0)).deviceGuard(deviceGuard)
          .accumulate(3);
      List<EpochMetrics> history = trainer.fit(loader, null, 1);
      assertEquals(1, history.get(0).skippedSteps());
      assertEquals(3, opt.steps());
      for (float w : model.namedParameters().get("0.weight").value().toFloatArray()) {
        assertTrue(Float.isFinite(w));
      }
      assertThrows(IllegalArgumentException.class, () -> trainer.accumulate(0));
    }
    model.close();
  }
}
