package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  private static EpochMetrics epoch(int n, double testLoss, double accuracy) {
    return new EpochMetrics(n, 1, testLoss, accuracy, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1e-3, 1, 1, 0, 0,
        Map.of());
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovementOnTestLoss() {
    EarlyStopping s = EarlyStopping.onTestLoss(2, 0.01);
    assertFalse(s.shouldStop(epoch(1, 1.0, 0)));
    assertFalse(s.shouldStop(epoch(2, 0.8, 0)));
    assertFalse(s.shouldStop(epoch(3, 0.795, 0))); // within minDelta: stale 1
    assertTrue(s.shouldStop(epoch(4, 0.9, 0))); // stale 2
  }

  @Test
  void anImprovementResetsThePatience() {
    EarlyStopping s = EarlyStopping.onAccuracy(2, 0);
    assertFalse(s.shouldStop(epoch(1, 0, 0.5)));
    assertFalse(s.shouldStop(epoch(2, 0, 0.4)));
    assertFalse(s.shouldStop(epoch(3, 0, 0.6)));
    assertFalse(s.shouldStop(epoch(4, 0, 0.6)));
    assertTrue(s.shouldStop(epoch(5, 0, 0.55)));
  }

  @Test
  void aNonFiniteValueIsNeverTheBest() {
    EarlyStopping s = EarlyStopping.onTestLoss(2, 0);
    assertFalse(s.shouldStop(epoch(1, 0.5, 0)));
    assertFalse(s.shouldStop(epoch(2, Double.NaN, 0)));
    assertFalse(s.improved());
    assertTrue(s.shouldStop(epoch(3, Double.POSITIVE_INFINITY, 0)));
    assertEquals(1, s.bestEpoch());
  }

  @Test
  void aResumedRunContinuesTheBestValueAndTheStaleEpochsAfterIt() {
    EarlyStopping before = EarlyStopping.onTestLoss(3, 0);
    BestMetric recorded = new BestMetric(Monitor.TEST_LOSS, 0);
    double[] losses = {1.0, 0.5, 0.6};
    for (int e = 1; e <= 3; e++) {
      before.shouldStop(epoch(e, losses[e - 1], 0));
      recorded.offer(epoch(e, losses[e - 1], 0));
    }
    assertEquals(Map.of("jgrad.best.test_loss", "0.5", "jgrad.best.test_loss.epoch", "2"), recorded.metadata());

    EarlyStopping resumed = EarlyStopping.onTestLoss(3, 0);
    resumed.restore(recorded.metadata(), 3); // one stale epoch (3) after the best (2)
    assertFalse(resumed.shouldStop(epoch(4, 0.55, 0))); // worse than 0.5: stale 2
    assertFalse(resumed.improved());
    assertTrue(resumed.shouldStop(epoch(5, 0.7, 0))); // stale 3
    assertEquals(2, resumed.bestEpoch());
  }

  @Test
  void patienceMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.onTestLoss(0, 0));
  }
}
