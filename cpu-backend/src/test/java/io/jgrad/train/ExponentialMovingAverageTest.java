package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.init.Initializer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.io.TensorData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Loss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamOptions;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.testing.ReferenceBackendTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ExponentialMovingAverage}: PyTorch's AveragedModel to rounding; in a fit, the formula after every applied
 * step bit for bit (parameters and batch norm's running statistics, on the host-checked and the device-decided step),
 * a skipped step leaving it as it was; the epochs' figures are the average's and the fit ends with it in the model; a
 * checkpoint keeps both the weights and their average, and a model file's readers take the average.
 */
class ExponentialMovingAverageTest extends ReferenceBackendTest {
  private static final double DECAY = 0.9;

  /** Expected values from exponential_moving_average.py (in this package's test resources), PyTorch 1.13. */
  private static final Map<String, double[]> TORCH = Map.of(
      "0.weight", new double[] {-0.22150375000000003, 0.04212124999999997, 0.2031575, 0.34042000000000006,
          -0.20787875000000006, 0.07690749999999998},
      "0.bias", new double[] {0.0781575, 0.35292},
      "1.weight", new double[] {0.46542, -0.08287875000000003},
      "1.bias", new double[] {0.07690749999999998, 0.3281575},
      "1.running_mean", new double[] {0.34042000000000006, -0.20787875000000006},
      "1.running_var", new double[] {0.04212124999999997, 0.2031575});

  @Test
  void matchesPyTorchsAveragedModelWithAnExponentialAverage() {
    Sequential model = new Sequential(new Linear(backend, DType.FLOAT64, 3, 2, true, Initializer.zeros(),
        new Generator(0)), new BatchNorm1d(backend, DType.FLOAT64, 2));
    setWeights(model, 0);
    try (ExponentialMovingAverage average = new ExponentialMovingAverage(model, DECAY)) {
      for (int t = 1; t <= 5; t++) {
        setWeights(model, t);
        average.update();
      }
      Map<String, TensorData> got = average.export();
      TORCH.forEach((name, expected) -> assertArrayEquals(expected, got.get(name).toDoubles(), 1e-15, name));
    }
    model.close();
  }

  /** Each weight k (parameters, then buffers but the batch count) set to exact binary fractions, as the script does. */
  private static void setWeights(Module model, int t) {
    List<Tensor> weights = new ArrayList<>();
    model.namedParameters().values().forEach(p -> weights.add(p.value()));
    model.namedBuffers().forEach((name, slot) -> {
      if (!name.endsWith("num_batches_tracked")) {
        weights.add(slot[0]);
      }
    });
    for (int k = 0; k < weights.size(); k++) {
      Tensor w = weights.get(k);
      double[] values = new double[(int) w.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = ((t * 7 + k * 5 + i * 3) % 11) / 8.0 - 0.5;
      }
      backend.upload(buffer(w), values);
    }
    model.namedParameters().values().forEach(p -> p.valueChanged());
  }

  private static Sequential model(LabeledData data, boolean batchNorm) {
    Generator init = new Generator(5);
    return batchNorm
        ? new Sequential(new Linear(backend, data.featureSize(), 16, init), new BatchNorm1d(backend, DType.FLOAT32, 16),
            new ReLU(), new Linear(backend, 16, data.numClasses(), init))
        : new Sequential(new Linear(backend, data.featureSize(), 16, init), new ReLU(),
            new Linear(backend, 16, data.numClasses(), init));
  }

  /**
   * Follows a fit step by step: after each step, the average the formula gives (in float, as the kernels round) from
   * the weights the step left, or the same average where {@code skipped} says the step was skipped.
   */
  private static final class Follower implements TrainListener {
    private final Module model;
    private final float weight = (float) (1 - DECAY);
    private final IntPredicate skipped;
    final Map<String, float[]> expected = new LinkedHashMap<>();
    int steps;

    Follower(Module model, IntPredicate skipped) {
      this.model = model;
      this.skipped = skipped;
      ModelWeights.export(model).forEach((name, d) -> expected.put(name, d.toFloats()));
    }

    @Override
    public void stepFinished(int epoch, int step, StepProgress progress) {
      if (!skipped.test(step)) {
        ModelWeights.export(model).forEach((name, d) -> {
          float[] e = expected.get(name);
          float[] v = d.toFloats();
          for (int i = 0; i < e.length; i++) {
            e[i] += (v[i] - e[i]) * weight;
          }
        });
      }
      steps++;
    }
  }

  private static void assertModelHolds(Map<String, float[]> expected, Module model) {
    Map<String, TensorData> got = ModelWeights.export(model);
    expected.forEach((name, e) -> assertArrayEquals(e, got.get(name).toFloats(), name));
  }

  @ParameterizedTest(name = "device guard {0}")
  @ValueSource(booleans = {false, true})
  void theAverageFollowsEveryStepAndTheFitEndsWithIt(boolean deviceGuard) {
    LabeledData data = TrainerTest.clusters(100, 1);
    Sequential model = model(data, true);
    Follower follower = new Follower(model, step -> false);
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), AdamOptions.learningRate(0.01));
        ExponentialMovingAverage average = new ExponentialMovingAverage(model, DECAY)) {
      new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0)).deviceGuard(deviceGuard)
          .averageWeights(average).listener(follower).fit(loader, null, 2);
      assertEquals(20, follower.steps);
      assertTrue(follower.expected.get("1.running_mean")[0] != 0, "the running statistics are averaged too");
      assertModelHolds(follower.expected, model);
    }
    model.close();
  }

  /** Example 15 is NaN: the second batch of every epoch (unshuffled) is skipped, and its step moves no average. */
  @ParameterizedTest(name = "device guard {0}")
  @ValueSource(booleans = {false, true})
  void aSkippedStepLeavesTheAverageAsItWas(boolean deviceGuard) {
    LabeledData clean = TrainerTest.clusters(100, 1);
    float[] x = clean.features().clone();
    x[15 * clean.featureSize()] = Float.NaN;
    LabeledData data = new LabeledData(x, clean.labels(), clean.featureSize(), clean.numClasses());
    Sequential model = model(data, false);
    Follower follower = new Follower(model, step -> step == 1);
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01);
        ExponentialMovingAverage average = new ExponentialMovingAverage(model, DECAY)) {
      List<EpochMetrics> history = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0))
          .deviceGuard(deviceGuard).averageWeights(average).listener(follower).fit(loader, null, 2);
      assertEquals(1, history.get(0).skippedSteps());
      assertEquals(18, opt.steps());
      assertModelHolds(follower.expected, model);
    }
    model.close();
  }

  /** The epochs' test figures are the average's: the model the fit ends with, not the last step's weights. */
  @Test
  void theEpochsFiguresAreTheAverages() {
    LabeledData data = TrainerTest.clusters(100, 1);
    LabeledData held = TrainerTest.clusters(60, 2);
    Sequential model = model(data, true);
    Loss loss = new CrossEntropyLoss(Reduction.MEAN, 0);
    Map<String, TensorData> last = new LinkedHashMap<>();
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        DataLoader test = DataLoader.builder(held).batchSize(25).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), AdamOptions.learningRate(0.01));
        ExponentialMovingAverage average = new ExponentialMovingAverage(model, DECAY)) {
      List<EpochMetrics> history = new Trainer(model, opt, loss).averageWeights(average)
          .listener(new TrainListener() {
            @Override
            public void stepFinished(int epoch, int step, StepProgress progress) {
              last.putAll(ModelWeights.export(model));
            }
          }).fit(loader, test, 2);
      double averaged = Evaluation.of(model, loss, test).loss();
      assertEquals(history.get(1).testLoss(), averaged, 1e-6);
      ModelWeights.apply(model, last, "the last step's weights", "");
      assertNotEquals(averaged, Evaluation.of(model, loss, test).loss(), 1e-4, "the last weights score otherwise");
    }
    model.close();
  }

  /**
   * A checkpoint written at an epoch's end holds the weights under "model." and their average under "average.", which
   * a model file's readers take; a load restores both, and one that asks for an average where none was kept is refused.
   */
  @Test
  void aCheckpointKeepsTheWeightsAndTheirAverage(@TempDir Path dir) throws IOException {
    LabeledData data = TrainerTest.clusters(100, 1);
    Path file = dir.resolve("run.safetensors");
    Path plain = dir.resolve("plain.safetensors");
    Sequential model = model(data, true);
    Map<String, TensorData> weights = new LinkedHashMap<>();
    Map<String, TensorData> averaged = new LinkedHashMap<>();
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), AdamOptions.learningRate(0.01));
        ExponentialMovingAverage average = new ExponentialMovingAverage(model, DECAY)) {
      new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0)).averageWeights(average)
          .listener(new TrainListener() {
            @Override
            public void epochFinished(EpochMetrics m) {
              try {
                TrainingCheckpoint.save(file, model, opt, average, m.epoch(), Map.of(), Map.of(), Map.of());
                TrainingCheckpoint.save(plain, model, opt, m.epoch(), Map.of(), Map.of());
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              weights.putAll(ModelWeights.export(model));
              averaged.putAll(average.export());
            }
          }).fit(loader, null, 1);
    }
    model.close();
    SafetensorsFile f = Safetensors.read(file);
    assertEquals("average.", TrainingCheckpoint.weightPrefix(f.metadata()));
    assertEquals(DECAY, TrainingCheckpoint.averageDecay(f.metadata()));
    assertEquals("model.", TrainingCheckpoint.weightPrefix(Safetensors.read(plain).metadata()));
    Sequential restored = model(data, true);
    try (Optimizer opt = new AdamW(restored.namedParameters(), AdamOptions.learningRate(0.01));
        ExponentialMovingAverage average = new ExponentialMovingAverage(restored, DECAY)) {
      TrainingCheckpoint.load(file, restored, opt, average, Map.of());
      weights.forEach((name, d) -> assertArrayEquals(d.toFloats(),
          ModelWeights.export(restored).get(name).toFloats(), name));
      averaged.forEach((name, d) -> assertArrayEquals(d.toFloats(), average.export().get(name).toFloats(), name));
      assertFalse(java.util.Arrays.equals(weights.get("0.weight").toFloats(), averaged.get("0.weight").toFloats()));
      InvalidFileException none = assertThrows(InvalidFileException.class,
          () -> TrainingCheckpoint.load(plain, restored, opt, average, Map.of()));
      assertTrue(none.getMessage().contains("no moving average"), none.getMessage());
    }
    restored.close();
  }

  @Test
  void refusesADecayOutsideZeroToOneAndAnotherModelsAverage() {
    LabeledData data = TrainerTest.clusters(20, 1);
    Sequential model = model(data, false);
    Sequential other = model(data, false);
    for (double decay : new double[] {0, 1, -0.5, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(model, decay));
    }
    try (AdamW opt = new AdamW(model.namedParameters(), 0.01);
        ExponentialMovingAverage average = new ExponentialMovingAverage(other, DECAY)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0));
      assertThrows(IllegalArgumentException.class, () -> trainer.averageWeights(average));
    }
    model.close();
    other.close();
  }
}
