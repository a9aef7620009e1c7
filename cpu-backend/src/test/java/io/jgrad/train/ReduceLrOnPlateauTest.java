package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ReduceLrOnPlateau} sets the rates PyTorch's {@code ReduceLROnPlateau} sets: the expected rates are what
 * {@code reduce_lr_on_plateau.py} (in this package's test resources) printed with PyTorch 1.13.
 */
class ReduceLrOnPlateauTest extends ReferenceBackendTest {
  private static final double NAN = Double.NaN;

  /** An epoch whose validation loss and accuracy are both {@code v}. */
  private static EpochMetrics epoch(int n, double v) {
    return new EpochMetrics(n, 1, 1, 0.5, v, v, Double.NaN, Double.NaN, 0, 1, 1, 0, 0, Map.of());
  }

  private static Optimizer sgd(double lr) {
    return new SGD(Map.of("p", new Parameter(Tensor.zeros(backend, DType.FLOAT64, Shape.of(1)))), lr);
  }

  private static void assertRates(Monitor monitor, double lr, int patience, double factor, double[] metrics,
      double[] torchRates) {
    try (Optimizer opt = sgd(lr)) {
      ReduceLrOnPlateau plateau = ReduceLrOnPlateau.on(monitor, patience, factor);
      for (int i = 0; i < metrics.length; i++) {
        plateau.step(epoch(i + 1, metrics[i]), opt);
        assertEquals(torchRates[i], opt.lr(), 0, "after epoch " + (i + 1));
      }
    }
  }

  /** The relative threshold: 0.8999 improves on 0.9, 0.69999 does not on 0.7; a NaN epoch is a bad one. */
  @Test
  void aLossPlateauAsPyTorchReadsIt() {
    assertRates(Monitor.VALIDATION_LOSS, 0.1, 2, 0.5,
        new double[] {1.0, 0.9, 0.95, 0.91, 0.8999, 0.89995, 0.9, 0.7, 0.7, NAN, 0.69999, 0.71, 0.72},
        new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05});
  }

  /** Higher is better; patience 0 lowers the rate at the first bad epoch, until a step would be below 1e-8. */
  @Test
  void anAccuracyPlateauStopsLoweringAtEps() {
    assertRates(Monitor.VALIDATION_ACCURACY, 1e-7, 0, 0.1,
        new double[] {0.5, 0.6, 0.6, 0.60005, 0.6001, 0.59, 0.7, 0.7, 0.7},
        new double[] {1e-7, 1e-7, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8});
  }

  /** Non-finite losses before the first finite one; with negative losses the relative bar moves as PyTorch's does. */
  @Test
  void nonFiniteAndNegativeLosses() {
    assertRates(Monitor.VALIDATION_LOSS, 1.0, 1, 0.3,
        new double[] {NAN, Double.POSITIVE_INFINITY, 2.0, -1.0, -0.99995, -1.1, -1.1, -1.1},
        new double[] {1.0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3});
  }

  /** Its state through checkpoint metadata: a new plateau and optimizer restored mid-run go on as the first would. */
  @Test
  void aRestoredPlateauContinuesTheRun() {
    double[] metrics = {1.0, 0.9, 0.95, 0.91, 0.8999, 0.89995, 0.9, 0.7, 0.7, NAN, 0.69999, 0.71, 0.72, 0.73, 0.74};
    try (Optimizer whole = sgd(0.1); Optimizer first = sgd(0.1); Optimizer second = sgd(0.1)) {
      ReduceLrOnPlateau all = ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 2, 0.5);
      ReduceLrOnPlateau before = ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 2, 0.5);
      ReduceLrOnPlateau after = ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 2, 0.5);
      for (int i = 0; i < 10; i++) {
        before.step(epoch(i + 1, metrics[i]), first);
      }
      after.restore(before.metadata(first), second);
      assertEquals(first.lr(), second.lr());
      for (int i = 0; i < metrics.length; i++) {
        all.step(epoch(i + 1, metrics[i]), whole);
        if (i >= 10) {
          after.step(epoch(i + 1, metrics[i]), second);
          assertEquals(whole.lr(), second.lr(), 0, "after epoch " + (i + 1));
        }
      }
      assertEquals(0.025, whole.lr(), 0, "lowered twice");
    }
  }

  /**
   * In a trainer: a validation set whose loss rises every epoch (the training labels moved one class on), patience 0,
   * halves the rate after every epoch but the first, from the epoch after it.
   */
  @Test
  void aTrainerLowersTheRateForTheNextEpoch() {
    LabeledData train = TrainerTest.clusters(128, 1);
    LabeledData misleading = RestoreBestTest.labelsMovedOn(train);
    Sequential model = RestoreBestTest.smallNetwork(train);
    try (DataLoader trainLoader = DataLoader.builder(train).batchSize(32).shuffle(true).seed(3).build(backend);
        DataLoader val = DataLoader.builder(misleading).batchSize(64).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0))
          .lrOnPlateau(ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 0, 0.5));
      assertThrows(IllegalStateException.class, () -> trainer.fit(trainLoader, null, 1), "no validation data");
      List<EpochMetrics> history = trainer.validation(val).fit(trainLoader, null, 4);
      assertEquals(List.of(0.01, 0.01, 0.005, 0.0025), history.stream().map(EpochMetrics::lr).toList());
      for (int e = 1; e < 4; e++) {
        assertTrue(history.get(e).validationLoss() > history.get(e - 1).validationLoss(), history.toString());
      }
      assertEquals(0.00125, opt.lr(), 0, "lowered after the last epoch too");
    }
    model.close();
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, -1, 0.1));
    assertThrows(IllegalArgumentException.class, () -> ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> ReduceLrOnPlateau.on(Monitor.VALIDATION_LOSS, 1, 0));
  }
}
