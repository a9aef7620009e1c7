package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.data.BatchAssembly;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training from a dataset held in backend memory ({@link BatchAssembly#RESIDENT}) is training from host-assembled
 * batches: the same seed gives the same first 50 losses bit for bit (two epochs of 1000 examples in batches of 40,
 * with the last, short batch of each epoch) and the same epoch losses, test accuracy and gradient norms, on both CPU backends.
 */
class ResidentDataTrainingTest {
  private static final int STEPS = 50;

  private record Run(List<Double> losses, List<EpochMetrics> epochs) {}

  private static Run train(String backendName, BatchAssembly assembly) {
    try (Backend backend = Backends.create(backendName)) {
      Generator g = new Generator(8);
      Sequential model = new Sequential(new Linear(backend, 16, 64, g), new ReLU(), new Dropout(0.2, new Generator(5)),
          new Linear(backend, 64, 4, g));
      try (DataLoader train = DataLoader.builder(TrainerTest.clusters(1010, 4)).batchSize(40).shuffle(true).seed(9)
              .assembly(assembly).build(backend);
          DataLoader test = DataLoader.builder(TrainerTest.clusters(130, 5)).batchSize(64).assembly(assembly)
              .build(backend);
          Optimizer opt = new AdamW(model.namedParameters(), 3e-3)) {
        FirstLosses first = new FirstLosses(STEPS, null);
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).listener(first);
        return new Run(first.losses(), trainer.fit(train, test, 2));
      } finally {
        model.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void theFirstFiftyLossesAreTheHostLoadersLosses(String backend) {
    Run host = train(backend, BatchAssembly.HOST);
    Run resident = train(backend, BatchAssembly.RESIDENT);
    assertEquals(STEPS, host.losses().size());
    assertEquals(host.losses(), resident.losses(), backend + ": first " + STEPS + " losses");
    for (int e = 0; e < host.epochs().size(); e++) {
      EpochMetrics h = host.epochs().get(e);
      EpochMetrics r = resident.epochs().get(e);
      String where = backend + " epoch " + e + ": ";
      assertEquals(h.trainLoss(), r.trainLoss(), where + "train loss");
      assertEquals(h.testLoss(), r.testLoss(), where + "test loss");
      assertEquals(h.testAccuracy(), r.testAccuracy(), where + "test accuracy");
      assertEquals(h.gradNorms(), r.gradNorms(), where + "gradient norms");
    }
  }
}
