package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** The learning-rate range test: Lightning's schedule, smoothing, stop and suggestion. */
class LrFinderTest extends ReferenceBackendTest {

  /**
   * A curve flat for 12 steps, falling, then rising: numpy's gradient of the window [10, 39) is most negative at
   * step 15 (−0.325, the fall from 2.04 to 1.39 around it), so Lightning's reading is that step's rate,
   * 1e-4·10^(5·15/39); fastai's, a tenth of the rate at the lowest point (step 19, 1.22).
   */
  @Test
  void theReadingsAreTheSteepestFallAndATenthOfTheLowestPoint() {
    double[] smoothed = {2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.29, 2.24, 2.04, 1.69, 1.39, 1.29,
        1.24, 1.22, 1.42, 1.62, 1.82, 2.02, 2.22, 2.42, 2.62, 2.82, 3.02, 3.22, 3.42, 3.62, 3.82, 4.02, 4.22, 4.42,
        4.62, 4.82, 5.02, 5.22};
    double[] lrs = new double[smoothed.length];
    for (int i = 0; i < lrs.length; i++) {
      lrs[i] = 1e-4 * Math.pow(10 / 1e-4, i / 39.0);
    }
    assertEquals(0.008376776400682922, LrFinder.steepest(lrs, smoothed), 1e-15);
    LrFinder.Result r = new LrFinder.Result(lrs, smoothed, smoothed, true);
    assertEquals(r.steepestLr(), LrFinder.steepest(lrs, smoothed));
    assertEquals(lrs[19], r.minimumLr());
    assertEquals(lrs[19] / 10, r.suggestion(), 1e-18);
    // Too few steps past the skipped ones to tell.
    assertTrue(Double.isNaN(LrFinder.steepest(new double[12], new double[12])));
  }

  /**
   * SGD on four clusters from 1e-5 to 10: the rates grow geometrically, each smoothed loss is the bias-corrected
   * average of the losses so far, the loss falls then diverges before the last step, and the suggestion is a tenth of
   * the rate at the lowest smoothed loss.
   */
  @Test
  void aRangeTestOfSgdFallsThenDivergesAndSuggestsARateThatLearns() {
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, 16, 32, init), new ReLU(), new Linear(backend, 32, 4, init));
    try (DataLoader train = DataLoader.builder(TrainerTest.clusters(512, 1)).batchSize(16).shuffle(true).seed(3)
            .build(backend);
        Optimizer opt = new SGD(model.namedParameters(), 1e-5)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss()).nonFinitePolicy(NonFinitePolicy.STOP);
      LrFinder.Result r = LrFinder.run(trainer, opt, train, 1e-5, 10, 100);
      double[] lrs = r.lrs();
      double[] losses = r.losses();
      double[] smoothed = r.smoothed();
      assertTrue(r.diverged() && lrs.length < 100 && lrs.length > 30, lrs.length + " steps");
      double ratio = Math.pow(10 / 1e-5, 1 / 99.0);
      double average = 0;
      for (int i = 0; i < lrs.length; i++) {
        assertEquals(1e-5 * Math.pow(ratio, i), lrs[i], 1e-12 * lrs[i], "step " + i);
        average = 0.98 * average + 0.02 * losses[i];
        assertEquals(average / (1 - Math.pow(0.98, i + 1)), smoothed[i], 1e-12, "step " + i);
      }
      double best = java.util.Arrays.stream(smoothed).min().orElseThrow();
      assertTrue(smoothed[smoothed.length - 1] > 4 * best || !Double.isFinite(losses[losses.length - 1]),
          "stopped past 4x the best smoothed loss");
      assertEquals(LrFinder.steepest(lrs, smoothed), r.steepestLr());
      // The lowest smoothed loss comes late (the average lags the losses); a tenth of its rate is one SGD learns at.
      assertTrue(r.suggestion() > 0.01 && r.suggestion() < 1, "suggested " + r.suggestion());
      assertTrue(best < 0.6 * smoothed[0], "the loss fell: " + smoothed[0] + " to " + best);
    } finally {
      model.close();
    }
  }

  @Test
  void aRangeThatIsNoRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LrFinder.run(null, null, null, 1, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> LrFinder.run(null, null, null, 0, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> LrFinder.run(null, null, null, 1e-5, 1, 1));
  }
}
