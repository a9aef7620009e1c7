package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same run on the SIMD backend and on the reference loops: the same losses, step by step, within float error. */
class BackendAgreementTest {
  /** float32 sums in another order (SIMD lanes, blocked GEMM) drift apart by a few ulps per step. */
  private static final double LOSS_RTOL = 1e-4;

  private static List<Double> stepLosses(String backendName) {
    List<Double> losses = new ArrayList<>();
    try (Backend backend = Backends.create(backendName)) {
      Generator g = new Generator(8);
      Sequential model = new Sequential(new Linear(backend, 16, 64, g), new ReLU(), new Linear(backend, 64, 64, g),
          new ReLU(), new Linear(backend, 64, 4, g));
      try (DataLoader train =
          DataLoader.builder(TrainerTest.clusters(512, 4)).batchSize(32).shuffle(true).seed(9).build(backend);
          Optimizer opt = new AdamW(model.namedParameters(), 3e-3)) {
        new Trainer(model, opt, new CrossEntropyLoss())
            .listener(new TrainListener() {
              @Override
              public void stepFinished(int epoch, int step, StepProgress progress) {
                losses.add(progress.loss());
              }
            })
            .fit(train, null, 2);
      } finally {
        model.close();
      }
    }
    return losses;
  }

  @Test
  void simdAndReferenceBackendsGiveTheSameLosses() {
    List<Double> reference = stepLosses("cpu-scalar");
    List<Double> simd = stepLosses("cpu");
    assertEquals(32, reference.size());
    for (int i = 0; i < reference.size(); i++) {
      double rel = Math.abs(simd.get(i) - reference.get(i)) / Math.abs(reference.get(i));
      assertTrue(rel <= LOSS_RTOL, "step " + i + ": cpu " + simd.get(i) + " vs cpu-scalar " + reference.get(i));
    }
    assertTrue(reference.get(31) < reference.get(0) / 2, "the run learns: " + reference);
  }
}
