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
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Early stopping on validation data ends with the weights of the best epoch, not the last. */
class RestoreBestTest extends ReferenceBackendTest {

  /**
   * {@code data}'s points with every label moved one class on: the better a model learns {@code data}, the worse its
   * loss on these, so as validation data they make each epoch worse than the one before.
   */
  static LabeledData labelsMovedOn(LabeledData data) {
    int[] shifted = data.labels().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = (shifted[i] + 1) % data.numClasses();
    }
    return new LabeledData(data.features(), shifted, data.featureSize(), data.numClasses());
  }

  /** A small MLP for {@code data}, the same weights each call. */
  static Sequential smallNetwork(LabeledData data) {
    Generator init = new Generator(5);
    return new Sequential(new Linear(backend, data.featureSize(), 16, init), new ReLU(),
        new Linear(backend, 16, data.numClasses(), init));
  }

  /**
   * The validation data are the training points with every label moved one class on: the better the model learns the
   * training set, the worse its validation loss, so epoch 1 is the best and patience 2 stops after epoch 3.
   */
  @Test
  void theBestEpochsWeightsArePutBack() {
    LabeledData train = TrainerTest.clusters(128, 1);
    LabeledData misleading = labelsMovedOn(train);
    Sequential model = smallNetwork(train);
    List<float[][]> weightsAfter = new ArrayList<>();
    try (DataLoader trainLoader = DataLoader.builder(train).batchSize(32).shuffle(true).seed(3).build(backend);
        DataLoader val = DataLoader.builder(misleading).batchSize(64).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0))
          .validation(val)
          .earlyStopping(EarlyStopping.on(Monitor.VALIDATION_LOSS, 2, 0).restoreBestWeights())
          .listener(new TrainListener() {
            @Override
            public void epochFinished(EpochMetrics m) {
              weightsAfter.add(weights(model));
            }
          });
      List<EpochMetrics> history = trainer.fit(trainLoader, null, 10);

      assertEquals(3, history.size());
      assertTrue(history.get(2).validationLoss() > history.get(1).validationLoss()
          && history.get(1).validationLoss() > history.get(0).validationLoss(), history.toString());
      assertEquals(1, trainer.restoredEpoch());
      float[][] now = weights(model);
      for (int i = 0; i < now.length; i++) {
        assertArrayEquals(weightsAfter.get(0)[i], now[i]);
      }
      assertEquals(history.get(0).validationLoss(),
          Evaluation.of(model, new CrossEntropyLoss(Reduction.MEAN, 0), val).loss(), 0.0);
    } finally {
      model.close();
    }
  }

  @Test
  void earlyStoppingOnValidationLossNeedsValidationData() {
    Generator init = new Generator(5);
    Linear model = new Linear(backend, 16, 4, init);
    try (DataLoader train =
        DataLoader.builder(TrainerTest.clusters(64, 1)).batchSize(32).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0))
          .earlyStopping(EarlyStopping.on(Monitor.VALIDATION_LOSS, 2, 0));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(train, null, 3));
      assertEquals("early stopping watches validation_loss, but the trainer has no validation data "
          + "(Trainer.validation)", e.getMessage());
    } finally {
      model.close();
    }
  }
}
