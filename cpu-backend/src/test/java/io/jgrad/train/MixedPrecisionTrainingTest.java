package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Trainer in bf16 and fp16: it learns as float32 does, and fp16's loss scaler backs off and skips overflows. */
class MixedPrecisionTrainingTest extends ReferenceBackendTest {
  private static final int EPOCHS = 4;

  @Test
  void bf16AndFp16TrainAsFloat32Does() {
    double fp32 = fit(Precision.FP32, null).get(EPOCHS - 1).testAccuracy();
    for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
      List<EpochMetrics> h = fit(p, null);
      double acc = h.get(EPOCHS - 1).testAccuracy();
      assertTrue(Math.abs(acc - fp32) <= 0.03, p + " accuracy " + acc + " vs fp32 " + fp32);
      assertTrue(h.get(EPOCHS - 1).trainLoss() < h.get(0).trainLoss(), p + " loss falls");
      assertTrue(h.get(0).peakActivationBytes() < 0.6 * fit(Precision.FP32, null).get(0).peakActivationBytes(),
          p + " saves its activations in 16 bits");
    }
  }

  @Test
  void fp16OverflowsAreSkippedWhileTheScaleBacksOffThenTrainingGoesOn() {
    GradScaler scaler = new GradScaler(0x1p24, 3);
    List<EpochMetrics> h = fit(Precision.FP16, scaler);
    assertTrue(scaler.skippedSteps() > 0, "loss·2^24 overflows float16 at first");
    assertEquals(scaler.skippedSteps(), h.stream().mapToLong(EpochMetrics::skippedSteps).sum(), "counted as skipped");
    assertTrue(scaler.scale() < 0x1p24, "the scale backed off: " + scaler.scale());
    assertTrue(h.get(EPOCHS - 1).testAccuracy() > 0.7, "and training went on: " + h.get(EPOCHS - 1).testAccuracy());
  }

  @Test
  void theScalerGrowsAfterCleanStepsAndHalvesOnOverflow() {
    GradScaler s = new GradScaler(8, 2);
    s.update(false);
    assertEquals(8, s.scale());
    s.update(false);
    assertEquals(16, s.scale(), "doubled after 2 clean steps");
    s.update(true);
    assertEquals(8, s.scale(), "halved on overflow");
    s.update(false);
    assertEquals(8, s.scale(), "an overflow restarts the count");
    assertEquals(1, s.skippedSteps());
    assertThrows(IllegalArgumentException.class, () -> new GradScaler(0, 1));
    Trainer bf16 = new Trainer(new Sequential(new ReLU()), new AdamW(new Linear(backend, 1, 1, new Generator(1))
        .namedParameters(), 0.1), new CrossEntropyLoss()).precision(Precision.BF16);
    assertThrows(IllegalStateException.class, () -> bf16.gradScaler(s), "bf16 needs no scaler");
  }

  private static List<EpochMetrics> fit(Precision precision, GradScaler scaler) {
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, 16, 32, init), new ReLU(), new Dropout(0.2,
        new Generator(11)), new Linear(backend, 32, 4, init));
    try (DataLoader train = DataLoader.builder(TrainerTest.clusters(256, 1)).batchSize(32).shuffle(true).seed(3)
            .build(backend);
        DataLoader test = DataLoader.builder(TrainerTest.clusters(128, 2)).batchSize(64).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).precision(precision);
      if (scaler != null) {
        trainer.gradScaler(scaler);
      }
      return trainer.fit(train, test, EPOCHS);
    } finally {
      model.parameters().forEach(p -> p.close());
    }
  }
}
