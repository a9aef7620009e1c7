package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Loss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Trainer#rankValidation}: each epoch's validation macro F1 and ROC AUC are those of a {@link
 * ClassificationReport} of the model as the epoch ends; early stopping that watches one of them ranks without being
 * asked; a fit that does not rank leaves them NaN.
 */
class ValidationRankingTest extends ReferenceBackendTest {
  private record Fit(List<EpochMetrics> history, List<double[]> reports) {}

  private static Fit fit(UnaryOperator<Trainer> setUp) {
    LabeledData data = TrainerTest.clusters(120, 1);
    LabeledData held = TrainerTest.clusters(60, 2);
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, data.featureSize(), 16, init), new ReLU(),
        new Linear(backend, 16, data.numClasses(), init));
    Loss loss = new CrossEntropyLoss(Reduction.MEAN, 0);
    List<double[]> reports = new ArrayList<>();
    try (DataLoader train = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        DataLoader validation = DataLoader.builder(held).batchSize(25).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.003)) {
      Trainer trainer = setUp.apply(new Trainer(model, opt, loss).validation(validation))
          .listener(new TrainListener() {
            @Override
            public void epochFinished(EpochMetrics m) {
              ClassificationReport r = ClassificationReport.of(model, loss, validation);
              reports.add(new double[] {r.macroF1(), r.rocAuc()});
            }
          });
      List<EpochMetrics> history = trainer.fit(train, null, 3);
      model.close();
      return new Fit(history, reports);
    }
  }

  @Test
  void eachEpochsFiguresAreTheValidationReportsOfTheModelAsItEnds() {
    Fit ranked = fit(t -> t.rankValidation(true));
    for (int e = 0; e < ranked.history().size(); e++) {
      EpochMetrics m = ranked.history().get(e);
      assertEquals(ranked.reports().get(e)[0], m.validationMacroF1(), "epoch " + (e + 1) + "'s macro F1");
      assertEquals(ranked.reports().get(e)[1], m.validationRocAuc(), "epoch " + (e + 1) + "'s ROC AUC");
      assertTrue(m.validationRocAuc() > 0.5 && m.validationRocAuc() <= 1, "a trained model ranks: " + m);
    }
    assertTrue(ranked.history().get(0).validationMacroF1() != ranked.history().get(2).validationMacroF1()
        || ranked.history().get(0).validationRocAuc() != ranked.history().get(2).validationRocAuc(),
        "the figures follow the training");
    for (EpochMetrics m : fit(t -> t).history()) {
      assertTrue(Double.isNaN(m.validationMacroF1()) && Double.isNaN(m.validationRocAuc()), m.toString());
    }
  }

  @Test
  void earlyStoppingThatWatchesTheRocAucRanksWithoutBeingAsked() {
    Fit watched = fit(t -> t.earlyStopping(EarlyStopping.on(Monitor.VALIDATION_ROC_AUC, 5, 0)));
    for (int e = 0; e < watched.history().size(); e++) {
      assertEquals(watched.reports().get(e)[1], watched.history().get(e).validationRocAuc());
    }
    assertTrue(Monitor.VALIDATION_ROC_AUC.higherIsBetter() && Monitor.VALIDATION_MACRO_F1.needsValidation());
  }
}
