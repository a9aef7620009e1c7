package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.MemoryStats;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.optim.WarmupCosineLR;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.FirstLosses;
import io.jgrad.train.Precision;
import io.jgrad.train.TrainListener;
import io.jgrad.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Trainer#graphs}: the device-decided step recorded into a CUDA graph and replayed trains as the eager step on
 * the same GPU — the first 50 losses within 1e-4 through a warmup-cosine learning rate, dropout and an epoch's
 * partial last batch (run eagerly between replays), in float32, under bf16 autocast and fp16 with its loss scaler
 * (which matches the host-checked fp16 step too) — with every full batch after
 * the warm-up replayed, no cudaMalloc after the first epoch, live device memory that of the eager run plus the
 * graph's input batch, and unchanged over 1,000 replayed steps; the evaluation batches, recorded too, give the
 * eager run's figures.
 */
@ExtendWith(RequiresGpu.class)
class GraphedStepGpuTest {
  private static final int STEPS = 50; // DeviceGuardGpuTest's, whose loss comparison this test shares
  private static final int FEATURES = SeparableData.FEATURES;
  /** 16 full batches of 128 and one of 64 per epoch. */
  private static final int EXAMPLES = 16 * 128 + 64;
  private static final double RTOL = 1e-4;

  /** warm: the backend's memory after epoch 1; last: after the last epoch; end: after fit. */
  private record Run(List<Double> losses, long steps, long replayed, MemoryStats warm, MemoryStats last,
      MemoryStats end) {}

  private static Run train(boolean graphs, Precision precision, int epochs,
      Function<Sequential, Optimizer> optimizer) {
    return train(graphs, true, precision, epochs, optimizer);
  }

  private static Run train(boolean graphs, boolean deviceGuard, Precision precision, int epochs,
      Function<Sequential, Optimizer> optimizer) {
    try (Backend backend = CudaBackend.open(BackendOptions.defaults())) {
      FirstLosses first = new FirstLosses(STEPS, backend);
      MemoryStats[] last = new MemoryStats[1];
      Generator g = new Generator(7);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 128, g), new ReLU(),
          new Dropout(0.2, new Generator(8)), new Linear(backend, 128, 64, g), new ReLU(),
          new Linear(backend, 64, 10, g));
      try (DataLoader train = DataLoader.builder(SeparableData.of(EXAMPLES)).batchSize(128).shuffle(true).seed(1)
              .build(backend);
          Optimizer opt = optimizer.apply(model)) {
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).graphs(graphs)
            .deviceGuard(deviceGuard).precision(precision).listener(first).listener(new TrainListener() {
              @Override
              public void epochFinished(EpochMetrics metrics) {
                last[0] = backend.memoryStats();
              }
            });
        trainer.fit(train, null, epochs);
        MemoryStats end = backend.memoryStats();
        return new Run(first.losses(), opt.steps(), trainer.replayedSteps(), first.afterFirstEpoch(), last[0], end);
      } finally {
        model.close();
      }
    }
  }

  private static Optimizer adamw(Sequential m) {
    AdamW adam = new AdamW(m.namedParameters(), 1e-3);
    adam.setSchedule(new WarmupCosineLR(1e-3, 10, 4 * 17, 1e-5));
    return adam;
  }

  private static Optimizer nesterov(Sequential m) {
    return new SGD(m.namedParameters(), SgdOptions.learningRate(0.05).withMomentum(0.9).withNesterov(true));
  }

  private static void assertLossesMatch(Run eager, Run graphed, String what) {
    DeviceGuardGpuTest.assertLossesMatch(eager.losses(), graphed.losses(), RTOL, what);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void replayedStepsTrainAsEagerOnes(boolean adam) {
    Function<Sequential, Optimizer> opt = adam ? GraphedStepGpuTest::adamw : GraphedStepGpuTest::nesterov;
    String what = adam ? "adamw + warmup-cosine" : "sgd nesterov";
    Run eager = train(false, Precision.FP32, 4, opt);
    Run graphed = train(true, Precision.FP32, 4, opt);
    assertLossesMatch(eager, graphed, what);
    assertEquals(eager.steps(), graphed.steps(), what);
    assertEquals((16 - 2) + 3 * 16, graphed.replayed(), what + ": every full batch after the warm-up replayed");
    assertEquals(graphed.warm().systemAllocations(), graphed.last().systemAllocations(),
        what + ": cudaMalloc calls after the first epoch");
    assertEquals(eager.last().liveBytes() + 128L * FEATURES * Float.BYTES + 128L * Integer.BYTES,
        graphed.last().liveBytes(), what + ": in training, the eager run's memory and the graph's input batch");
    assertEquals(eager.end().liveBytes(), graphed.end().liveBytes(), what + ": what the run leaves allocated");
  }

  @Test
  void bf16AutocastStepsReplayAsEagerOnes() {
    try (CudaBackend probe = CudaBackend.open(BackendOptions.defaults())) {
      assumeTrue(probe.supports(DType.BFLOAT16), "bf16 needs sm_80: fp16 and fp32 cover the graph here");
    }
    Run eager = train(false, Precision.BF16, 3, GraphedStepGpuTest::adamw);
    Run graphed = train(true, Precision.BF16, 3, GraphedStepGpuTest::adamw);
    assertLossesMatch(eager, graphed, "bf16");
    assertTrue(graphed.replayed() > 0, "bf16 steps replayed");
  }

  /** fp16's loss scaler decided on the device: graphed as eager, and as the host-checked step with its GradScaler. */
  @Test
  void fp16LossScalingReplaysAsEagerAndTrainsAsTheHostCheckedStep() {
    Run host = train(false, false, Precision.FP16, 3, GraphedStepGpuTest::adamw);
    Run eager = train(false, Precision.FP16, 3, GraphedStepGpuTest::adamw);
    Run graphed = train(true, Precision.FP16, 3, GraphedStepGpuTest::adamw);
    assertLossesMatch(eager, graphed, "fp16 graphed");
    assertLossesMatch(host, eager, "fp16 device-decided against host-checked");
    assertEquals(host.steps(), eager.steps(), "fp16 applied steps");
    assertTrue(graphed.replayed() > 0, "fp16 steps replayed");
  }

  /**
   * With a test set, the evaluation batches are recorded too (a second graph, no fallback warning) and give the
   * eager run's figures: 3 epochs, test loss within 1e-4, accuracy within one example in 1,000.
   */
  @Test
  void recordedEvaluationsGiveTheEagerFigures() {
    List<EpochMetrics> eager = trainWithTestSet(false);
    List<String> warnings = new ArrayList<>();
    Logger graphedStep = Logger.getLogger("io.jgrad.train.GraphedStep");
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    graphedStep.addHandler(handler);
    List<EpochMetrics> graphed;
    try {
      graphed = trainWithTestSet(true);
    } finally {
      graphedStep.removeHandler(handler);
    }
    assertEquals(List.of(), warnings, "nothing fell back");
    for (int e = 0; e < eager.size(); e++) {
      EpochMetrics a = eager.get(e);
      EpochMetrics b = graphed.get(e);
      assertEquals(a.testLoss(), b.testLoss(), RTOL * Math.abs(a.testLoss()), "epoch " + (e + 1) + " test loss");
      assertEquals(a.testAccuracy(), b.testAccuracy(), 1e-3 + 1e-12, "epoch " + (e + 1) + " test accuracy");
    }
  }

  private static List<EpochMetrics> trainWithTestSet(boolean graphs) {
    try (Backend backend = CudaBackend.open(BackendOptions.defaults())) {
      Generator g = new Generator(7);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 128, g), new ReLU(),
          new Dropout(0.2, new Generator(8)), new Linear(backend, 128, 10, g));
      try (DataLoader train = DataLoader.builder(SeparableData.of(EXAMPLES)).batchSize(128).shuffle(true).seed(1)
              .build(backend);
          DataLoader test = DataLoader.builder(SeparableData.of(1000)).batchSize(250).build(backend);
          Optimizer opt = nesterov(model)) {
        return new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).graphs(graphs).fit(train, test, 3);
      } finally {
        model.close();
      }
    }
  }

  @Test
  void aThousandReplayedStepsAllocateNothing() {
    Run run = train(true, Precision.FP32, 63, GraphedStepGpuTest::nesterov);
    assertTrue(run.replayed() >= 1000, run.replayed() + " replayed");
    assertEquals(run.warm().systemAllocations(), run.last().systemAllocations(), "cudaMalloc calls");
    assertEquals(run.warm().liveBytes(), run.last().liveBytes(), "live bytes after epoch 1 and after the last");
  }
}
