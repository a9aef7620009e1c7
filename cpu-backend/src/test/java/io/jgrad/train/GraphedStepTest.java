package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.data.ValidationSplit;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.optim.WarmupCosineLR;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step recorded once and replayed ({@link GraphedStep}, on {@link RecordingBackend}, which records as CUDA stream
 * capture does) trains exactly as the eager device-decided step: the same losses bit for bit, through a learning rate
 * that changes every step, dropout drawing new masks every step, clipping, and an epoch's last, partial batch run
 * eagerly between replays; and a step that reads something back falls back to eager steps.
 */
class GraphedStepTest {
  /** 1,010 examples in batches of 40: 25 full batches and one of 10 per epoch. */
  private static final int EXAMPLES = 1010;
  private static final int BATCH = 40;
  private static final int EPOCHS = 2;

  private record Run(List<Double> losses, List<EpochMetrics> epochs, long steps, long replayed, float[][] weights,
      long dropoutOffset) {}

  /**
   * What a run trains: the optimizer, clipping, a wrapper around the middle layer, the model in checkpointed segments,
   * the precision, the seed of a second dropout layer's generator (none below 0), and a batch whose first feature is
   * NaN in every (unshuffled) epoch (none below 0) with the policy for it.
   */
  private record Setup(Function<Sequential, Optimizer> optimizer, double clip, UnaryOperator<Module> middle,
      boolean checkpointed, Precision precision, long secondDropoutSeed, int poisonedBatch, NonFinitePolicy policy) {
    static Setup of(Function<Sequential, Optimizer> optimizer) {
      return new Setup(optimizer, 0, UnaryOperator.identity(), false, Precision.FP32, -1, -1, NonFinitePolicy.SKIP);
    }

    Setup withClip(double norm) {
      return new Setup(optimizer, norm, middle, checkpointed, precision, secondDropoutSeed, poisonedBatch, policy);
    }

    Setup withMiddle(UnaryOperator<Module> wrap) {
      return new Setup(optimizer, clip, wrap, checkpointed, precision, secondDropoutSeed, poisonedBatch, policy);
    }

    Setup inCheckpointedSegments() {
      return new Setup(optimizer, clip, middle, true, precision, secondDropoutSeed, poisonedBatch, policy);
    }

    Setup withPrecision(Precision p) {
      return new Setup(optimizer, clip, middle, checkpointed, p, secondDropoutSeed, poisonedBatch, policy);
    }

    Setup withSecondDropout(long seed) {
      return new Setup(optimizer, clip, middle, checkpointed, precision, seed, poisonedBatch, policy);
    }

    Setup withPoisonedBatch(int batch, NonFinitePolicy onIt) {
      return new Setup(optimizer, clip, middle, checkpointed, precision, secondDropoutSeed, batch, onIt);
    }
  }

  private static Run train(Backend backend, boolean graphs, Setup setup) {
    List<Double> losses = new ArrayList<>();
    Generator g = new Generator(8);
    Generator dropout = new Generator(5);
    List<Module> layers = new ArrayList<>(List.of(new Linear(backend, 16, 64, g), new ReLU(), new Dropout(0.2, dropout),
        setup.middle().apply(new Linear(backend, 64, 32, g)), new ReLU()));
    if (setup.secondDropoutSeed() >= 0) {
      layers.add(new Dropout(0.1, new Generator(setup.secondDropoutSeed())));
    }
    layers.add(new Linear(backend, 32, 4, g));
    Sequential model = new Sequential(layers.toArray(new Module[0]));
    LabeledData data = TrainerTest.clusters(EXAMPLES, 4);
    if (setup.poisonedBatch() >= 0) {
      data.features()[setup.poisonedBatch() * BATCH * 16] = Float.NaN;
    }
    try (DataLoader train =
        DataLoader.builder(data).batchSize(BATCH).shuffle(setup.poisonedBatch() < 0).seed(9).build(backend);
        Optimizer opt = setup.optimizer().apply(model)) {
      Module trained = setup.checkpointed() ? model.checkpointed(2) : model;
      Trainer trainer = new Trainer(trained, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).graphs(graphs)
          .clipNorm(setup.clip()).precision(setup.precision()).nonFinitePolicy(setup.policy())
          .listener(new TrainListener() {
            @Override
            public void stepFinished(int epoch, int step, StepProgress progress) {
              losses.add(progress.loss());
            }
          });
      List<EpochMetrics> epochs = trainer.fit(train, null, EPOCHS);
      float[][] weights = model.parameters().stream().map(p -> p.value().toFloatArray()).toArray(float[][]::new);
      return new Run(losses, epochs, opt.steps(), trainer.replayedSteps(), weights, dropout.offset());
    } finally {
      model.close();
    }
  }

  /** The eager run and the graphed run (on a RecordingBackend) of {@code setup}; the recorder's counts for checks. */
  private static Run[] eagerAndGraphed(String backendName, Setup setup, int[] capturesAndReplays) {
    Run eager;
    try (Backend backend = Backends.create(backendName)) {
      eager = train(backend, false, setup);
    }
    try (Backend backend = RecordingBackend.wrap(Backends.create(backendName))) {
      Run graphed = train(backend, true, setup);
      capturesAndReplays[0] = RecordingBackend.of(backend).captures();
      capturesAndReplays[1] = RecordingBackend.of(backend).replays();
      assertEquals(0, RecordingBackend.of(backend).delegate().memoryStats().liveBytes(),
          "everything freed, the graph's buffers too");
      return new Run[] {eager, graphed};
    }
  }

  private static void assertSameRun(Run eager, Run graphed, String what) {
    assertEquals(eager.losses(), graphed.losses(), what + ": every step's loss");
    assertEquals(eager.steps(), graphed.steps(), what + ": optimizer steps");
    assertEquals(eager.dropoutOffset(), graphed.dropoutOffset(), what + ": the dropout generator's offset");
    for (int i = 0; i < eager.weights().length; i++) {
      assertArrayEquals(eager.weights()[i], graphed.weights()[i], what + ": parameter " + i);
    }
    for (int e = 0; e < EPOCHS; e++) {
      assertEquals(eager.epochs().get(e).trainLoss(), graphed.epochs().get(e).trainLoss(), what + ": epoch loss");
      assertEquals(eager.epochs().get(e).gradNorms(), graphed.epochs().get(e).gradNorms(), what + ": norms");
      assertEquals(eager.epochs().get(e).peakActivationBytes(), graphed.epochs().get(e).peakActivationBytes(),
          what + ": peak activation bytes (a replay reports its capture's)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void replayedStepsTrainAsEagerOnes(String backendName) {
    long stepsPerEpoch = (EXAMPLES + BATCH - 1) / BATCH;
    Map<String, Function<Sequential, Optimizer>> optimizers = Map.of(
        "adamw + warmup-cosine", m -> {
          AdamW adam = new AdamW(m.namedParameters(), 3e-3);
          adam.setSchedule(new WarmupCosineLR(3e-3, 7, EPOCHS * stepsPerEpoch, 1e-4));
          return adam;
        },
        "sgd nesterov", m -> new SGD(m.namedParameters(),
            SgdOptions.learningRate(0.05).withMomentum(0.9).withNesterov(true).withWeightDecay(1e-3)));
    long full = EXAMPLES / BATCH;
    long expected = (full - GraphedStep.WARM_UP_STEPS) + full; // the first epoch warms up for two, records the third
    optimizers.forEach((name, optimizer) -> {
      for (double clip : new double[] {0, 0.05}) {
        String what = backendName + " " + name + " clip " + clip;
        int[] counts = new int[2];
        Run[] runs = eagerAndGraphed(backendName, Setup.of(optimizer).withClip(clip), counts);
        assertSameRun(runs[0], runs[1], what);
        assertEquals(expected, runs[1].replayed(), what + ": replayed steps");
        assertEquals(1, counts[0], what + ": one capture");
        assertEquals(expected, counts[1], what);
      }
    });
  }

  /**
   * Checkpointed segments re-draw their masks in backward from the tape: the replays shift both draws alike. fp16's
   * loss scale lives in device memory that the recorded guard updates and the recorded loss product reads.
   */
  @Test
  void checkpointedSegmentsAutocastAndTwoDropoutGeneratorsReplayAsEager() {
    Function<Sequential, Optimizer> adam = m -> new AdamW(m.namedParameters(), 3e-3);
    Map<String, Setup> setups = Map.of(
        "checkpointed", Setup.of(adam).inCheckpointedSegments(),
        "bf16", Setup.of(adam).withPrecision(Precision.BF16),
        "fp16 with loss scaling", Setup.of(adam).withPrecision(Precision.FP16),
        "two dropout generators", Setup.of(adam).withSecondDropout(6));
    setups.forEach((what, setup) -> {
      int[] counts = new int[2];
      Run[] runs = eagerAndGraphed("cpu-scalar", setup, counts);
      assertSameRun(runs[0], runs[1], what);
      assertEquals(1, counts[0], what + ": one capture");
      assertTrue(runs[1].replayed() > 0, what);
    });
  }

  /** A replayed step whose batch is poisoned is skipped on the device as the eager one is; STOP stops alike. */
  @Test
  void nonFiniteReplayedStepsAreSkippedOrStopAsEagerOnes() {
    Setup skip = Setup.of(m -> new AdamW(m.namedParameters(), 3e-3)).withPoisonedBatch(5, NonFinitePolicy.SKIP);
    int[] counts = new int[2];
    Run[] runs = eagerAndGraphed("cpu-scalar", skip, counts);
    assertSameRun(runs[0], runs[1], "skipped");
    assertEquals(List.of(1, 1), runs[1].epochs().stream().map(EpochMetrics::skippedSteps).toList());
    assertTrue(Double.isNaN(runs[1].losses().get(5)));
    assertTrue(runs[1].replayed() > 0 && counts[0] == 1);

    Setup stop = skip.withPoisonedBatch(5, NonFinitePolicy.STOP);
    String[] messages = new String[2];
    for (int run = 0; run < 2; run++) {
      boolean graphs = run == 1;
      try (Backend backend = graphs ? RecordingBackend.wrap(Backends.create("cpu-scalar"))
          : Backends.create("cpu-scalar")) {
        messages[run] =
            assertThrows(NonFiniteGradientException.class, () -> train(backend, graphs, stop)).getMessage();
      }
    }
    assertEquals(messages[0], messages[1]);
  }

  private record Stopped(List<EpochMetrics> epochs, int restoredEpoch, float[][] weights, long replayedSteps) {}

  private static Stopped trainWithValidation(Backend backend, boolean graphs) {
    Generator g = new Generator(8);
    Sequential model = new Sequential(new Linear(backend, 16, 64, g), new ReLU(), new Dropout(0.2, new Generator(5)),
        new Linear(backend, 64, 4, g));
    ValidationSplit split = ValidationSplit.carve(TrainerTest.clusters(EXAMPLES, 4), 0.2, 3);
    try (DataLoader train = DataLoader.builder(split.train()).batchSize(BATCH).shuffle(true).seed(9).build(backend);
        DataLoader validation = DataLoader.builder(split.validation()).batchSize(100).build(backend);
        DataLoader test = DataLoader.builder(TrainerTest.clusters(300, 7)).batchSize(100).build(backend);
        Optimizer opt = new AdamW(model.namedParameters(), 2e-2)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).graphs(graphs)
          .validation(validation)
          .earlyStopping(EarlyStopping.on(Monitor.VALIDATION_LOSS, 1, 0).restoreBestWeights());
      List<EpochMetrics> epochs = trainer.fit(train, test, 8);
      float[][] weights = model.parameters().stream().map(p -> p.value().toFloatArray()).toArray(float[][]::new);
      return new Stopped(epochs, trainer.restoredEpoch(), weights, trainer.replayedSteps());
    } finally {
      model.close();
    }
  }

  /**
   * The evaluation passes between replayed steps are recorded too (their own graph) and give the eager numbers; early
   * stopping restores the same best weights.
   */
  @Test
  void recordedEvaluationsBetweenReplaysAndRestoredWeightsAreTheEagerRuns() {
    Stopped eager;
    try (Backend backend = Backends.create("cpu-scalar")) {
      eager = trainWithValidation(backend, false);
    }
    try (Backend backend = RecordingBackend.wrap(Backends.create("cpu-scalar"))) {
      Stopped graphed = trainWithValidation(backend, true);
      RecordingBackend recorder = RecordingBackend.of(backend);
      assertTrue(graphed.replayedSteps() > 0);
      assertEquals(2, recorder.captures(), "the training step and the evaluation batch");
      // Per epoch 5 full evaluation batches (the test set's 3, validation's 2; its last, of 2 rows, runs eagerly),
      // of which the first epoch's first two are the warm-up.
      assertEquals(5L * graphed.epochs().size() - 2, recorder.replays() - graphed.replayedSteps(),
          "replayed evaluation batches");
      assertEquals(0, recorder.delegate().memoryStats().liveBytes(), "both graphs' buffers freed");
      assertEquals(eager.epochs().size(), graphed.epochs().size(), "epochs before stopping");
      for (int e = 0; e < eager.epochs().size(); e++) {
        EpochMetrics a = eager.epochs().get(e);
        EpochMetrics b = graphed.epochs().get(e);
        assertEquals(a.validationLoss(), b.validationLoss(), "epoch " + (e + 1) + " validation loss");
        assertEquals(a.testLoss(), b.testLoss(), "epoch " + (e + 1) + " test loss");
        assertEquals(a.testAccuracy(), b.testAccuracy(), "epoch " + (e + 1) + " test accuracy");
      }
      assertTrue(eager.restoredEpoch() > 0, "early stopping restored an earlier epoch's weights");
      assertEquals(eager.restoredEpoch(), graphed.restoredEpoch(), "the restored epoch");
      for (int i = 0; i < eager.weights().length; i++) {
        assertArrayEquals(eager.weights()[i], graphed.weights()[i], "restored parameter " + i);
      }
    }
  }

  /** Replays shift offsets per seed: two generators of one seed cannot be told apart, so the steps stay eager. */
  @Test
  void twoDropoutGeneratorsOfOneSeedRunEagerly() {
    Setup setup = Setup.of(m -> new AdamW(m.namedParameters(), 3e-3)).withSecondDropout(5);
    int[] counts = new int[2];
    Run[] runs = eagerAndGraphed("cpu-scalar", setup, counts);
    assertSameRun(runs[0], runs[1], "same seed");
    assertEquals(0, runs[1].replayed());
    assertEquals(1, counts[0], "recorded, then dropped");
    assertEquals(0, counts[1]);
  }

  /** A layer that reads its input back, as no recordable step may. */
  private static final class ReadsBack extends Module {
    private final Module inner;

    ReadsBack(Module inner) {
      this.inner = registerModule("inner", inner);
    }

    @Override
    public Tensor forward(Tensor x) {
      x.toFloatArray();
      return inner.forward(x);
    }
  }

  @Test
  void aStepThatReadsBackRunsEagerly() {
    int[] counts = new int[2];
    Run[] runs = eagerAndGraphed("cpu-scalar", Setup.of(m -> new AdamW(m.namedParameters(), 3e-3))
        .withMiddle(ReadsBack::new), counts);
    assertSameRun(runs[0], runs[1], "fallen back");
    assertEquals(0, runs[1].replayed());
    assertEquals(0, counts[0]);
  }

  @Test
  void backendsThatDoNotRecordRunEveryStepEagerly() {
    Setup setup = Setup.of(m -> new AdamW(m.namedParameters(), 3e-3));
    try (Backend backend = Backends.create("cpu")) {
      Run eager = train(backend, false, setup);
      Run graphs = train(backend, true, setup);
      assertSameRun(eager, graphs, "cpu");
      assertEquals(0, graphs.replayed());
    }
  }

  @Test
  void aWatchSeesEachGeneratorsOffsetBeforeItsFirstDraw() {
    Generator a = new Generator(1, 10);
    Generator b = new Generator(2, 0);
    a.advance(5);
    try (Generator.Watch watch = Generator.watch()) {
      b.advance(3);
      a.advance(4);
      b.advance(2);
      try (Generator.Watch inner = Generator.watch()) {
        a.advance(1);
        assertEquals(Map.of(a, 19L), inner.starts());
      }
      assertEquals(List.of(b, a), List.copyOf(watch.starts().keySet()), "in order of first draw");
      assertEquals(0L, watch.starts().get(b));
      assertEquals(15L, watch.starts().get(a));
    }
    assertEquals(20, a.offset(), "a watch changes no offset");
  }
}
