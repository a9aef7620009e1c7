package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
  /**
   * Six examples, three classes. Predicted (arg-max) vs label: 0→0, 0→0, 1→0, 1→1, 2→2, 0→2 (the last a tie of 0 and
   * 2, which arg-max gives to 0). Label ranks: 0, 0, 1 (class 1 second), 0, 0, 1 (tie: 2 after 0).
   */
  private static ClassificationReport sample() {
    float[] outputs = {
        3, 1, 0, // label 0
        2, 1, 1, // label 0
        1, 2, 0, // label 0, predicted 1
        0, 5, 1, // label 1
        0, 1, 4, // label 2
        2, 0, 2, // label 2, tie → predicted 0
    };
    return ClassificationReport.of(outputs, new int[] {0, 0, 0, 1, 2, 2}, 3, 0.25);
  }

  @Test
  void confusionMatrixAndAccuracies() {
    ClassificationReport r = sample();
    assertArrayEquals(new long[] {2, 1, 0}, r.confusion()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, r.confusion()[1]);
    assertArrayEquals(new long[] {1, 0, 1}, r.confusion()[2]);
    assertEquals(6, r.examples());
    assertEquals(0.25, r.loss());
    assertEquals(4 / 6.0, r.accuracy(), 1e-12);
    assertEquals(1.0, r.topK(2), 1e-12);
    assertEquals(1.0, r.topK(10), 1e-12);
  }

  @Test
  void perClassPrecisionRecallAndF1() {
    ClassificationReport r = sample();
    // class 0: predicted 3 times, 2 right; 3 labelled, 2 found
    assertEquals(2 / 3.0, r.precision(0), 1e-12);
    assertEquals(2 / 3.0, r.recall(0), 1e-12);
    assertEquals(2 / 3.0, r.f1(0), 1e-12);
    // class 1: predicted twice, 1 right; 1 labelled, found
    assertEquals(0.5, r.precision(1), 1e-12);
    assertEquals(1.0, r.recall(1), 1e-12);
    assertEquals(2 * 0.5 / 1.5, r.f1(1), 1e-12);
    // class 2: predicted once, right; 2 labelled, 1 found
    assertEquals(1.0, r.precision(2), 1e-12);
    assertEquals(0.5, r.recall(2), 1e-12);
    assertEquals(2, r.support(2));
    assertEquals((2 / 3.0 + 2 / 3.0 + 2 / 3.0) / 3, r.macroF1(), 1e-12);
  }

  @Test
  void aClassNeverPredictedHasPrecisionZero() {
    ClassificationReport r = ClassificationReport.of(new float[] {1, 0, 1, 0}, new int[] {0, 1}, 2, 0);
    assertEquals(0, r.precision(1));
    assertEquals(0, r.f1(1));
  }

  /**
   * scikit-learn 1.2.1 on the softmax of the sample's logits: roc_auc_score(y, p, multi_class="ovr") and each
   * class's roc_auc_score and average_precision_score against the rest.
   */
  @Test
  void eachClassRankedAgainstTheRestByItsProbability() {
    ClassificationReport r = sample();
    double[] auc = {0.888888888888889, 1, 1};
    double[] ap = {0.9166666666666665, 1, 1};
    for (int c = 0; c < 3; c++) {
      assertEquals(auc[c], r.ranking(c).rocAuc(), 1e-15, "class " + c);
      assertEquals(ap[c], r.ranking(c).averagePrecision(), 1e-15, "class " + c);
    }
    assertEquals(0.9629629629629629, r.rocAuc(), 1e-15);
    assertEquals(0.9722222222222222, r.averagePrecision(), 1e-15);
  }

  /**
   * Of two classes, the second's probability σ(z₁ − z₀) ranks the examples, as roc_auc_score(y, p[:, 1]) reads it:
   * scikit-learn 1.2.1 gives 0.64 and 0.6676190476190476 for these differences (ScoreRankingTest's scores, ties
   * included). The first class's ranking is the same one turned over, with the same area.
   */
  @Test
  void aTwoClassModelIsRankedByItsSecondClass() {
    float[] differences = {0.1f, 0.4f, 0.35f, 0.8f, 0.4f, 0.2f, 0.9f, 0.35f, 0.8f, 0.1f};
    int[] labels = {0, 0, 1, 1, 1, 0, 1, 0, 0, 1};
    float[] outputs = new float[20];
    for (int i = 0; i < 10; i++) {
      outputs[2 * i] = -1; // z₀, the same in every row: only z₁ − z₀ orders them
      outputs[2 * i + 1] = differences[i] - 1;
    }
    ClassificationReport r = ClassificationReport.of(outputs, labels, 2, 0);
    assertEquals(0.64, r.rocAuc(), 1e-15);
    assertEquals(0.6676190476190476, r.averagePrecision(), 1e-15);
    assertEquals(0.64, r.ranking(0).rocAuc(), 1e-15);
    // The highest F1 cuts at a difference of 0.35 (ScoreRankingTest): halfway to the next probability, σ(0.2)'s.
    double t = r.bestF1Threshold();
    assertEquals((sigmoid(0.35f) + sigmoid(0.2f)) / 2, t, 1e-7);
    assertEquals(2 / 3.0, r.atThreshold(t).f1(1), 1e-15);
  }

  private static double sigmoid(float d) {
    return 1 / (1 + Math.exp(-d));
  }

  /** Confident outputs: probabilities that float32 would round to 1 keep their order as log-probabilities. */
  @Test
  void confidentOutputsKeepTheirOrder() {
    float[] outputs = {0, 30, 0, 25, 0, 20, 0, 35};
    ClassificationReport r = ClassificationReport.of(outputs, new int[] {1, 0, 0, 1}, 2, 0);
    assertEquals(1, r.rocAuc());
  }

  @Test
  void aClassAbsentFromTheDataIsLeftOutOfTheMean() {
    float[] outputs = {3, 1, 0, 2, 1, 1, 0, 1, 4, 2, 0, 2};
    ClassificationReport r = ClassificationReport.of(outputs, new int[] {0, 0, 2, 2}, 3, 0);
    assertTrue(Double.isNaN(r.ranking(1).rocAuc()));
    assertEquals((r.ranking(0).rocAuc() + r.ranking(2).rocAuc()) / 2, r.rocAuc(), 1e-15);
  }

  @Test
  void nonFiniteOutputsRankNothing() {
    ClassificationReport r = ClassificationReport.of(new float[] {Float.NaN, 0, 1, 0}, new int[] {0, 1}, 2, 0);
    assertNull(r.ranking(0));
    assertTrue(Double.isNaN(r.rocAuc()));
    assertTrue(Double.isNaN(r.averagePrecision()));
  }

  /**
   * Second-class probabilities σ(d) of 0.119, 0.378, 0.550 and 0.818 for labels 0, 1, 0, 1: at 0.5 the likelier class;
   * at 0.3 the second class once more (a true positive); at 0.6 once less (a false positive gone).
   */
  @Test
  void aThresholdDecidesBetweenTwoClasses() {
    float[] d = {-2, -0.5f, 0.2f, 1.5f};
    float[] outputs = new float[8];
    for (int i = 0; i < 4; i++) {
      outputs[2 * i + 1] = d[i];
    }
    ClassificationReport likelier = ClassificationReport.of(outputs, new int[] {0, 1, 0, 1}, 2, 0.125);
    assertArrayEquals(likelier.confusion(), likelier.atThreshold(0.5).confusion());
    ClassificationReport low = likelier.atThreshold(0.3);
    assertArrayEquals(new long[] {1, 1}, low.confusion()[0]);
    assertArrayEquals(new long[] {0, 2}, low.confusion()[1]);
    assertEquals(0.75, low.accuracy());
    assertEquals(1, low.recall(1));
    ClassificationReport high = likelier.atThreshold(0.6);
    assertArrayEquals(new long[] {2, 0}, high.confusion()[0]);
    assertArrayEquals(new long[] {1, 1}, high.confusion()[1]);
    assertEquals(1, high.precision(1));
    assertEquals(0.125, high.loss());
    assertEquals(likelier.rocAuc(), high.rocAuc());
    assertThrows(IllegalArgumentException.class, () -> sample().atThreshold(0.5)); // three classes
    assertThrows(IllegalArgumentException.class, () -> likelier.atThreshold(1));
  }

  /**
   * Four two-class examples: confident (0.9) and right, confident (0.9) and wrong, 0.75 and right, a tie (0.5, the
   * first class) and wrong. Five bins: (0.8, 1] holds two at 0.9 with accuracy 0.5, (0.6, 0.8] one at 0.75 right, (0.4,
   * 0.6] one at 0.5 wrong; the error is (2·0.4 + 0.25 + 0.5) / 4.
   */
  @Test
  void theCalibrationErrorOfAWorkedExample() {
    float nine = (float) Math.log(9);
    float three = (float) Math.log(3);
    float[] outputs = {0, nine, 0, nine, three, 0, 0, 0};
    ClassificationReport r = ClassificationReport.of(outputs, new int[] {1, 0, 0, 1}, 2, 0);
    List<ClassificationReport.CalibrationBin> bins = r.calibrationBins(5);
    assertEquals(5, bins.size());
    assertEquals(0, bins.get(0).examples());
    assertTrue(Double.isNaN(bins.get(0).accuracy()));
    assertEquals(1, bins.get(2).examples());
    assertEquals(0.5, bins.get(2).confidence(), 1e-15);
    assertEquals(0, bins.get(2).accuracy());
    assertEquals(0.75, bins.get(3).confidence(), 1e-7);
    assertEquals(2, bins.get(4).examples());
    assertEquals(0.9, bins.get(4).confidence(), 1e-7);
    assertEquals(0.5, bins.get(4).accuracy());
    assertEquals((2 * 0.4 + 0.25 + 0.5) / 4, r.calibrationError(5), 1e-7);
    assertTrue(Double.isNaN(ClassificationReport.of(new float[] {Float.NaN, 0}, new int[] {0}, 2, 0)
        .calibrationError(15)));
    assertThrows(IllegalArgumentException.class, () -> r.calibrationBins(0));
  }

  @Test
  void badShapesAndKAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new float[5], new int[2], 3, 0));
    assertThrows(IllegalArgumentException.class, () -> sample().topK(0));
  }
}
