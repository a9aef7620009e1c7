package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.MemoryStats;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
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
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.NonFiniteGradientException;
import io.jgrad.train.NonFinitePolicy;
import io.jgrad.train.FirstLosses;
import io.jgrad.train.Trainer;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Trainer#fit} with the step decided on the GPU (training_step.cu: sums of squares, step guard, multi-tensor
 * AdamW/SGD): the first 50 losses of the default recipe's pieces (dropout, label smoothing, AdamW; also SGD +
 * Nesterov with clipping) match cpu-scalar's to 1e-4 and the host-checked path's on the same GPU; non-finite steps
 * are skipped and counted as on the CPU, and STOP stops with the same step count; steps after warm-up make no
 * cudaMalloc call; and with {@link CudaBackend#TRAINING_STEP_PROPERTY} false the fallback trains the same.
 */
@ExtendWith(RequiresGpu.class)
class DeviceGuardGpuTest {
  private static final int STEPS = 50;
  private static final int FEATURES = SeparableData.FEATURES;
  private static final double RTOL = 1e-4;

  private record Run(List<Double> losses, List<EpochMetrics> epochs, long steps, MemoryStats warm, MemoryStats end) {}

  private static LabeledData data(int n, boolean poisoned) {
    LabeledData data = SeparableData.of(n);
    if (poisoned) {
      data.features()[5 * 128 * FEATURES] = Float.NaN; // batch 5 of an unshuffled epoch
    }
    return data;
  }

  private static Run train(Supplier<Backend> backends, boolean onDevice, double clip, NonFinitePolicy policy,
      boolean poisoned, Function<Sequential, Optimizer> optimizer) {
    try (Backend backend = backends.get()) {
      FirstLosses first = new FirstLosses(STEPS, backend);
      Generator g = new Generator(7);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 128, g), new ReLU(),
          new Dropout(0.2, new Generator(8)), new Linear(backend, 128, 64, g), new ReLU(),
          new Linear(backend, 64, 10, g));
      try (DataLoader train = DataLoader.builder(data(2048, poisoned)).batchSize(128).shuffle(!poisoned).seed(1)
              .build(backend);
          Optimizer opt = optimizer.apply(model)) {
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).deviceGuard(onDevice)
            .clipNorm(clip).nonFinitePolicy(policy).listener(first);
        List<EpochMetrics> epochs = trainer.fit(train, null, 4);
        return new Run(first.losses(), epochs, opt.steps(), first.afterFirstEpoch(), backend.memoryStats());
      } finally {
        model.close();
      }
    }
  }

  private static Backend cuda() {
    return CudaBackend.open(BackendOptions.defaults());
  }

  private static Backend reference() {
    return Backends.create("cpu-scalar");
  }

  private static Optimizer adamw(Sequential m) {
    return new AdamW(m.namedParameters(), 1e-3);
  }

  private static Optimizer nesterov(Sequential m) {
    return new SGD(m.namedParameters(), SgdOptions.learningRate(0.05).withMomentum(0.9).withNesterov(true));
  }

  private static void assertLossesMatch(Run expected, Run actual, double rtol, String what) {
    assertLossesMatch(expected.losses(), actual.losses(), rtol, what);
  }

  /** The first {@value #STEPS} losses of two runs within {@code rtol}, step by step. */
  static void assertLossesMatch(List<Double> expected, List<Double> actual, double rtol, String what) {
    assertEquals(STEPS, actual.size(), what);
    for (int s = 0; s < STEPS; s++) {
      double e = expected.get(s);
      double a = actual.get(s);
      assertTrue(Math.abs(a - e) <= rtol * Math.abs(e), what + ", step " + s + ": " + a + " vs " + e);
    }
  }

  /** One optimizer per test (each stays well inside the GPU bundle's 60 s per test), clipped and not. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theFirstFiftyLossesMatchCpuScalarAndTheHostCheckedPath(boolean adam) {
    for (double clip : new double[] {0, 1}) {
      Function<Sequential, Optimizer> opt = adam ? DeviceGuardGpuTest::adamw : DeviceGuardGpuTest::nesterov;
      String what = (adam ? "adamw" : "sgd nesterov") + " clip " + clip;
      Run cpu = train(DeviceGuardGpuTest::reference, false, clip, NonFinitePolicy.SKIP, false, opt);
      Run device = train(DeviceGuardGpuTest::cuda, true, clip, NonFinitePolicy.SKIP, false, opt);
      Run host = train(DeviceGuardGpuTest::cuda, false, clip, NonFinitePolicy.SKIP, false, opt);
      assertLossesMatch(cpu, device, RTOL, what + ": cuda guarded vs cpu-scalar");
      assertLossesMatch(host, device, 1e-5, what + ": cuda guarded vs cuda host-checked");
      assertEquals(cpu.steps(), device.steps(), what);
      assertEquals(device.warm().systemAllocations(), device.end().systemAllocations(),
          what + ": cudaMalloc calls after the first epoch");
    }
  }

  @Test
  void nonFiniteStepsAreSkippedOrStopTheRunAsOnTheCpu() {
    Run cpu = train(DeviceGuardGpuTest::reference, false, 0, NonFinitePolicy.SKIP, true, DeviceGuardGpuTest::adamw);
    Run device = train(DeviceGuardGpuTest::cuda, true, 0, NonFinitePolicy.SKIP, true, DeviceGuardGpuTest::adamw);
    assertEquals(List.of(1, 1, 1, 1), device.epochs().stream().map(EpochMetrics::skippedSteps).toList());
    assertEquals(cpu.steps(), device.steps());
    assertEquals(4 * 15, device.steps());
    for (int s = 0; s < STEPS; s++) {
      double e = cpu.losses().get(s);
      double a = device.losses().get(s);
      assertTrue(Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= RTOL * Math.abs(e), "step " + s);
    }
    NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
        () -> train(DeviceGuardGpuTest::cuda, true, 0, NonFinitePolicy.STOP, true, DeviceGuardGpuTest::adamw));
    assertTrue(e.getMessage().contains("first in the loss at optimizer step 6"), e.getMessage());
  }

  @Test
  void theFallbackWithoutTheTrainingStepKernelsTrainsTheSame() {
    Run kernels = train(DeviceGuardGpuTest::cuda, true, 1, NonFinitePolicy.SKIP, false, DeviceGuardGpuTest::adamw);
    String before = System.getProperty(CudaBackend.TRAINING_STEP_PROPERTY);
    System.setProperty(CudaBackend.TRAINING_STEP_PROPERTY, "false");
    Run fallback;
    try {
      fallback = train(DeviceGuardGpuTest::cuda, true, 1, NonFinitePolicy.SKIP, false, DeviceGuardGpuTest::adamw);
    } finally {
      if (before == null) {
        System.clearProperty(CudaBackend.TRAINING_STEP_PROPERTY);
      } else {
        System.setProperty(CudaBackend.TRAINING_STEP_PROPERTY, before);
      }
    }
    assertLossesMatch(fallback, kernels, 1e-5, "training_step.cu vs the Backend defaults");
  }
}
