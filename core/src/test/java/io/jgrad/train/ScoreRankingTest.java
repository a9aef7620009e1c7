package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreRankingTest {
  /** Ten examples, five positive, with ties across the two sides (0.35, 0.4, 0.8, 0.1) and within one (none alone). */
  private static final double[] SCORES = {0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.9, 0.35, 0.8, 0.1};
  private static final boolean[] POSITIVE = {false, false, true, true, true, false, true, false, false, true};

  /** scikit-learn 1.2.1: roc_auc_score, average_precision_score and roc_curve of the same ten. */
  @Test
  void scikitLearnsFiguresOfAWorkedExampleWithTies() {
    ScoreRanking r = ScoreRanking.of(SCORES, POSITIVE);
    assertEquals(5, r.positives());
    assertEquals(5, r.negatives());
    assertEquals(0.64, r.rocAuc(), 1e-15);
    assertEquals(0.6676190476190476, r.averagePrecision(), 1e-15);
    ScoreRanking.Curve curve = r.rocCurve();
    assertArrayEquals(new double[] {0, 0, 0.6, 0.8, 1}, curve.falsePositiveRate(), 1e-15);
    assertArrayEquals(new double[] {0, 0.2, 0.8, 0.8, 1}, curve.truePositiveRate(), 1e-15);
  }

  /**
   * F1 at each cut of the worked example (5 positives): 0.9 1/3, 0.8 1/2, 0.4 3/5, 0.35 2/3, 0.2 8/13, 0.1 2/3; of
   * the two at 2/3 the higher cut, 0.35 (precision 4/7, recall 4/5), the next score below it 0.2.
   */
  @Test
  void theCutOfTheHighestF1() {
    ScoreRanking.Cut cut = ScoreRanking.of(SCORES, POSITIVE).bestF1();
    assertEquals(0.35, cut.score());
    assertEquals(0.2, cut.nextScore());
    assertEquals(2 / 3.0, cut.f1(), 1e-15);
    assertEquals(4 / 7.0, cut.precision(), 1e-15);
    assertEquals(0.8, cut.recall(), 1e-15);
    ScoreRanking.Cut all = ScoreRanking.of(new double[] {1, 1}, new boolean[] {true, false}).bestF1();
    assertEquals(Double.NEGATIVE_INFINITY, all.nextScore());
    assertNull(ScoreRanking.of(new double[] {1}, new boolean[] {false}).bestF1());
  }

  /** Against the definitions, pair by pair and threshold by threshold, on scores rounded so that many tie. */
  @Test
  void equalsTheMannWhitneyCountAndThePrecisionAtEachThreshold() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(300);
      double[] scores = new double[n];
      boolean[] positive = new boolean[n];
      double rate = random.nextDouble();
      for (int i = 0; i < n; i++) {
        positive[i] = random.nextDouble() < rate;
        // Positives score a little higher on the whole; a tenth's rounding makes ties within and across the sides.
        scores[i] = Math.round((random.nextGaussian() + (positive[i] ? 0.7 : 0)) * 10) / 10.0;
      }
      ScoreRanking r = ScoreRanking.of(scores, positive);
      double pairs = 0;
      long p = 0;
      long neg = 0;
      for (int i = 0; i < n; i++) {
        p += positive[i] ? 1 : 0;
        neg += positive[i] ? 0 : 1;
        for (int j = 0; j < n; j++) {
          if (positive[i] && !positive[j]) {
            pairs += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
          }
        }
      }
      double auc = p == 0 || neg == 0 ? Double.NaN : pairs / (p * neg);
      double[] thresholds = Arrays.stream(scores).distinct().sorted().toArray();
      double ap = 0;
      long tpBefore = 0;
      for (int t = thresholds.length - 1; t >= 0; t--) {
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < n; i++) {
          if (scores[i] >= thresholds[t]) {
            tp += positive[i] ? 1 : 0;
            fp += positive[i] ? 0 : 1;
          }
        }
        ap += (double) (tp - tpBefore) / p * tp / (tp + fp);
        tpBefore = tp;
      }
      assertEquals(auc, r.rocAuc(), 1e-12, "trial " + trial);
      assertEquals(p == 0 ? Double.NaN : ap, r.averagePrecision(), 1e-12, "trial " + trial);
    }
  }

  @Test
  void aPerfectARevertedAndAnUninformedRanking() {
    boolean[] positive = {true, true, false, false, false};
    ScoreRanking perfect = ScoreRanking.of(new double[] {5, 4, 3, 2, 1}, positive);
    assertEquals(1, perfect.rocAuc());
    assertEquals(1, perfect.averagePrecision());
    ScoreRanking reversed = ScoreRanking.of(new double[] {1, 2, 3, 4, 5}, positive);
    assertEquals(0, reversed.rocAuc());
    assertEquals((1 / 4.0 + 2 / 5.0) / 2, reversed.averagePrecision(), 1e-15);
    ScoreRanking tied = ScoreRanking.of(new double[] {0.0, -0.0, 0.0, 0.0, -0.0}, positive); // −0 is 0
    assertEquals(0.5, tied.rocAuc());
    assertEquals(0.4, tied.averagePrecision(), 1e-15);
    assertArrayEquals(new double[] {0, 1}, tied.rocCurve().falsePositiveRate());
  }

  /** scikit-learn raises an error for the area where one side is empty; the average precision needs positives only. */
  @Test
  void oneSideAloneHasNoArea() {
    ScoreRanking positives = ScoreRanking.of(new double[] {0.3, 0.9}, new boolean[] {true, true});
    assertTrue(Double.isNaN(positives.rocAuc()));
    assertEquals(1, positives.averagePrecision());
    assertNull(positives.rocCurve());
    ScoreRanking negatives = ScoreRanking.of(new double[] {0.3, 0.9}, new boolean[] {false, false});
    assertTrue(Double.isNaN(negatives.rocAuc()));
    assertTrue(Double.isNaN(negatives.averagePrecision()));
    assertTrue(Double.isNaN(ScoreRanking.of(new double[0], new boolean[0]).rocAuc()));
  }

  @Test
  void aNanScoreAndUnequalLengthsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoreRanking.of(new double[] {0.5, Double.NaN}, new boolean[] {true, false}));
    assertTrue(e.getMessage().contains("example 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScoreRanking.of(new double[2], new boolean[3]));
  }

  @Test
  void theMacroMeanLeavesUndefinedFiguresOut() {
    assertEquals(0.75, ScoreRanking.macro(new double[] {0.5, Double.NaN, 1}));
    assertTrue(Double.isNaN(ScoreRanking.macro(new double[] {Double.NaN})));
  }
}
