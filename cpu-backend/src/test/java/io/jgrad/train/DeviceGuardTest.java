package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step decided on the device (guard, guarded multi-tensor optimizer step, metrics read once per refresh) trains
 * exactly as the host-checked step did: the same seed gives the same first 50 losses (bit for bit without clipping,
 * where both run the same kernels; within 1e-5 with clipping, whose factor now comes from one-pass sums), the same
 * epoch losses, gradient norms and step counts, on both CPU backends, with AdamW and with SGD + Nesterov, dropout and
 * label smoothing (the default recipe's pieces).
 */
class DeviceGuardTest {
  private static final int STEPS = 50;

  private record Run(List<Double> losses, List<EpochMetrics> epochs, long steps) {}

  private static Run train(String backendName, boolean onDevice, double clipNorm,
      Function<Sequential, Optimizer> optimizer) {
    List<Double> losses = new ArrayList<>();
    try (Backend backend = Backends.create(backendName)) {
      Generator g = new Generator(8);
      Sequential model = new Sequential(new Linear(backend, 16, 64, g), new ReLU(), new Dropout(0.2, new Generator(5)),
          new Linear(backend, 64, 32, g), new ReLU(), new Linear(backend, 32, 4, g));
      try (DataLoader train =
          DataLoader.builder(TrainerTest.clusters(1000, 4)).batchSize(40).shuffle(true).seed(9).build(backend);
          Optimizer opt = optimizer.apply(model)) {
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).deviceGuard(onDevice)
            .clipNorm(clipNorm)
            .listener(new TrainListener() {
              @Override
              public void stepFinished(int epoch, int step, StepProgress progress) {
                if (losses.size() < STEPS) {
                  losses.add(progress.loss());
                }
              }
            });
        List<EpochMetrics> epochs = trainer.fit(train, null, 2);
        return new Run(losses, epochs, opt.steps());
      } finally {
        model.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void theDeviceDecidedStepTrainsAsTheHostCheckedOne(String backend) {
    Map<String, Function<Sequential, Optimizer>> optimizers = Map.of(
        "adamw", m -> new AdamW(m.namedParameters(), 3e-3),
        "sgd", m -> new SGD(m.namedParameters(), SgdOptions.learningRate(0.05).withMomentum(0.9).withNesterov(true)
            .withWeightDecay(1e-3)));
    optimizers.forEach((name, optimizer) -> {
      for (double clip : new double[] {0, 0.05}) {
        String what = backend + " " + name + " clip " + clip;
        Run host = train(backend, false, clip, optimizer);
        Run device = train(backend, true, clip, optimizer);
        assertEquals(STEPS, host.losses().size());
        double tolerance = clip == 0 ? 0 : 1e-5;
        for (int s = 0; s < STEPS; s++) {
          double h = host.losses().get(s);
          assertEquals(h, device.losses().get(s), tolerance * Math.abs(h), what + ": step " + s);
        }
        assertEquals(host.steps(), device.steps(), what + ": optimizer steps");
        for (int e = 0; e < host.epochs().size(); e++) {
          EpochMetrics a = host.epochs().get(e);
          EpochMetrics b = device.epochs().get(e);
          assertEquals(a.trainLoss(), b.trainLoss(), Math.max(1e-12, tolerance) * a.trainLoss(), what + ": epoch loss");
          assertEquals(0, b.skippedSteps());
          assertEquals(a.gradNorms().keySet(), b.gradNorms().keySet(), what);
          a.gradNorms().forEach((layer, norm) -> assertEquals(norm, b.gradNorms().get(layer), 1e-5 * norm,
              what + ": layer " + layer + "'s norm"));
        }
        assertTrue(host.losses().get(STEPS - 1) < host.losses().get(0), what + ": it learns");
      }
    });
  }

  private record Fp16Run(List<Double> losses, List<EpochMetrics> epochs, long steps, double scale, long overflows,
      float[] firstWeight) {}

  private static Fp16Run trainFp16(String backendName, boolean onDevice, double clipNorm) {
    List<Double> losses = new ArrayList<>();
    try (Backend backend = Backends.create(backendName)) {
      Generator g = new Generator(8);
      Sequential model = new Sequential(new Linear(backend, 16, 64, g), new ReLU(), new Dropout(0.2, new Generator(5)),
          new Linear(backend, 64, 4, g));
      try (DataLoader train =
          DataLoader.builder(TrainerTest.clusters(1000, 4)).batchSize(40).shuffle(true).seed(9).build(backend);
          Optimizer opt = new AdamW(model.namedParameters(), 3e-3)) {
        // 2^40 overflows float16 at once: the first steps skip and halve S; a growth interval of 7 doubles it again
        GradScaler scaler = new GradScaler(Math.pow(2, 40), 7);
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).deviceGuard(onDevice)
            .clipNorm(clipNorm).precision(Precision.FP16).gradScaler(scaler)
            .listener(new TrainListener() {
              @Override
              public void stepFinished(int epoch, int step, StepProgress progress) {
                losses.add(progress.loss());
              }
            });
        List<EpochMetrics> epochs = trainer.fit(train, null, 2);
        return new Fp16Run(losses, epochs, opt.steps(), scaler.scale(), scaler.skippedSteps(),
            model.parameters().get(0).value().toFloatArray());
      } finally {
        model.close();
      }
    }
  }

  /**
   * fp16's loss scaler decided with the guard: overflows skip steps and halve S, clean steps double it, as the host's
   * GradScaler does; the same losses (bit for bit without clipping), skips, S and weights as the host-checked step.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void fp16LossScalingOnTheDeviceTrainsAsOnTheHost(String backend) {
    for (double clip : new double[] {0, 0.05}) {
      String what = backend + " fp16 clip " + clip;
      Fp16Run host = trainFp16(backend, false, clip);
      Fp16Run device = trainFp16(backend, true, clip);
      assertTrue(host.overflows() >= 20, what + ": the scaler backed off from 2^40: " + host.overflows());
      assertEquals(host.overflows(), device.overflows(), what + ": overflows");
      assertEquals(host.scale(), device.scale(), what + ": the loss scale");
      assertEquals(host.steps(), device.steps(), what + ": applied steps");
      double tolerance = clip == 0 ? 0 : 1e-5;
      for (int s = 0; s < host.losses().size(); s++) {
        double h = host.losses().get(s);
        assertEquals(h, device.losses().get(s), tolerance * Math.abs(h), what + ": step " + s);
      }
      for (int e = 0; e < 2; e++) {
        assertEquals(host.epochs().get(e).skippedSteps(), device.epochs().get(e).skippedSteps(), what + ": skips");
      }
      if (clip == 0) {
        assertArrayEquals(host.firstWeight(), device.firstWeight(), what + ": weights");
      }
    }
  }
}
