package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.MemoryStats;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.init.Initializer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.WarmupCosineLR;
import io.jgrad.testing.ReferenceBackendTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop's promises: it learns, resumes exactly, survives bad steps, and leaks nothing. */
class TrainerTest extends ReferenceBackendTest {
  private static final int FEATURES = 16;
  private static final int CLASSES = 4;
  private static final int EPOCHS = 4;

  @TempDir Path dir;

  /** 256 points in 4 Gaussian clusters around the axes: learnable, but not in one step. */
  static LabeledData clusters(int n, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = (float) (rng.nextGaussian() + (j % CLASSES == y[i] ? 2.0 : 0));
      }
    }
    return new LabeledData(x, y, FEATURES, CLASSES);
  }

  /** One training run's parts, all from fixed seeds. */
  private static final class Run implements AutoCloseable {
    final Generator dropoutRng = new Generator(11);
    final Sequential model;
    final Optimizer opt;
    final DataLoader train;
    final DataLoader test;
    final Trainer trainer;

    Run() {
      Generator init = new Generator(5);
      model = new Sequential(new Linear(backend, FEATURES, 32, init), new ReLU(), new Dropout(0.2, dropoutRng),
          new Linear(backend, 32, CLASSES, init));
      train = DataLoader.builder(clusters(256, 1)).batchSize(32).shuffle(true).seed(3).build(backend);
      test = DataLoader.builder(clusters(128, 2)).batchSize(64).build(backend);
      opt = new AdamW(model.namedParameters(), 0.01);
      opt.setSchedule(new WarmupCosineLR(0.01, 4, (long) EPOCHS * train.batchesPerEpoch(), 1e-4));
      trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1));
    }

    @Override
    public void close() {
      train.close();
      test.close();
      opt.close();
      model.close();
    }
  }

  /**
   * A float64 model's AdamW moments resume in float64: a step after the checkpoint round trip equals the same step
   * taken straight on, bit for bit (moments rounded to float32 on the way would move the weights' last bits).
   */
  @Test
  void aFloat64CheckpointResumesItsOptimizerStateBitForBit() throws IOException {
    Path file = dir.resolve("f64.safetensors");
    Linear straight = f64Model();
    Linear resumed = f64Model();
    try (Optimizer opt = new AdamW(straight.namedParameters(), 0.01);
        Optimizer resumedOpt = new AdamW(resumed.namedParameters(), 0.01)) {
      f64Step(straight, opt);
      f64Step(straight, opt);
      TrainingCheckpoint.save(file, straight, opt, 1, Map.of(), Map.of());
      f64Step(straight, opt);
      TrainingCheckpoint.load(file, resumed, resumedOpt, Map.of());
      f64Step(resumed, resumedOpt);
      assertArrayEquals(straight.weight().value().toDoubleArray(), resumed.weight().value().toDoubleArray(), 0.0);
    } finally {
      straight.close();
      resumed.close();
    }
  }

  private static Linear f64Model() {
    return new Linear(backend, DType.FLOAT64, 3, 2, true, Initializer.heNormal(), new Generator(8));
  }

  /** One AdamW step on Σ out² for a fixed float64 batch. */
  private static void f64Step(Linear model, Optimizer opt) {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.of(backend, new double[] {0.3, -1.1, 0.7, 2.0, 0.1, -0.4}, 2, 3);
      Tensor out = model.forward(x);
      opt.zeroGrad();
      out.mul(out).sum().backward();
      opt.step();
    }
  }

  @Test
  void learnsAndReportsEachEpoch() {
    try (Run run = new Run()) {
      List<EpochMetrics> history = run.trainer.fit(run.train, run.test, EPOCHS);
      assertEquals(EPOCHS, history.size());
      EpochMetrics last = history.get(EPOCHS - 1);
      assertTrue(last.testAccuracy() > 0.9, "accuracy " + last.testAccuracy());
      assertTrue(last.trainLoss() < history.get(0).trainLoss());
      assertTrue(last.peakActivationBytes() > 0);
      assertEquals(Map.of("0", true, "3", true), Map.of(
          "0", last.gradNorms().get("0") > 0, "3", last.gradNorms().get("3") > 0));
    }
  }

  @Test
  void resumingFromACheckpointGivesTheSameWeightsAsTrainingStraight() throws IOException {
    float[][] straight;
    try (Run run = new Run()) {
      run.trainer.fit(run.train, null, EPOCHS);
      straight = weights(run.model);
    }
    Path file = dir.resolve("ckpt.safetensors");
    try (Run first = new Run()) {
      first.trainer.fit(first.train, null, 2);
      TrainingCheckpoint.save(file, first.model, first.opt, 2, Map.of("dropout", first.dropoutRng), Map.of("k", "v"));
    }
    try (Run resumed = new Run()) {
      TrainingCheckpoint.Restored r =
          TrainingCheckpoint.load(file, resumed.model, resumed.opt, Map.of("dropout", resumed.dropoutRng));
      assertEquals(2, r.epochs());
      assertEquals(Map.of("k", "v"), r.config());
      resumed.trainer.setCompletedEpochs(r.epochs());
      resumed.trainer.fit(resumed.train, null, EPOCHS);
      float[][] w = weights(resumed.model);
      for (int i = 0; i < w.length; i++) {
        assertArrayEquals(straight[i], w[i], 0f, "parameter " + i);
      }
    }
  }

  @Test
  void aDamagedCheckpointIsReportedAndTheNewestValidOneIsFound() throws IOException {
    Path good = dir.resolve("epoch1.safetensors");
    Path bad = dir.resolve("epoch2.safetensors");
    try (Run run = new Run()) {
      TrainingCheckpoint.save(good, run.model, run.opt, 1, Map.of(), Map.of());
      TrainingCheckpoint.save(bad, run.model, run.opt, 2, Map.of(), Map.of());
      byte[] bytes = Files.readAllBytes(bad);
      bytes[bytes.length - 3] ^= 0x40;
      Files.write(bad, bytes);
      Files.setLastModifiedTime(good, java.nio.file.attribute.FileTime.fromMillis(1_000));
      InvalidFileException e = assertThrows(InvalidFileException.class,
          () -> TrainingCheckpoint.load(bad, run.model, run.opt, Map.of()));
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      assertEquals(good, TrainingCheckpoint.newestValid(dir));
    }
  }

  @Test
  void aNonFiniteStepIsSkippedAndLeavesTheModelUnchanged() {
    try (Run run = new Run()) {
      float[][] before = weights(run.model);
      float[] nanFeatures = new float[2 * FEATURES];
      nanFeatures[3] = Float.NaN;
      try (Batch batch =
          new Batch(Tensor.of(backend, nanFeatures, 2, FEATURES), Tensor.of(backend, new int[] {0, 1}, 2), 0)) {
        run.trainer.step(batch); // ReLU passes the NaN on (as PyTorch's does), so the loss is NaN
        float[][] after = weights(run.model);
        for (int i = 0; i < before.length; i++) {
          assertArrayEquals(before[i], after[i], 0f);
        }
        assertEquals(0, run.opt.steps());
        run.trainer.nonFinitePolicy(NonFinitePolicy.STOP);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> run.trainer.step(batch));
        assertTrue(e.getMessage().contains("first in the loss"), e.getMessage());
      }
    }
  }

  @Test
  void aThousandStepsLeaveOnlyParametersAndOptimizerState() {
    try (Run run = new Run()) {
      Iterator<Batch> it = run.train.epoch(0);
      Batch first = it.next();
      run.trainer.step(first); // creates gradients and optimizer state
      MemoryStats steady = backend.memoryStats();
      for (int i = 0; i < 1000; i++) {
        run.trainer.step(first);
      }
      first.close();
      long params = run.model.parameters().stream().mapToLong(p -> p.value().bytes()).sum();
      long state = run.opt.state().values().stream().mapToLong(Tensor::bytes).sum();
      long grads = params;
      MemoryStats after = backend.memoryStats();
      assertEquals(steady.liveBytes() - first.features().bytes() - first.labels().bytes(), after.liveBytes());
      assertTrue(after.liveBytes() >= params + state + grads);
      assertEquals(steady.systemAllocations(), after.systemAllocations(), "steady-state steps reuse pooled buffers");
    }
  }
}
