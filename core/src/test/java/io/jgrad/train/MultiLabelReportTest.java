package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A worked example whose figures scikit-learn 1.2.1 gives for {@code sigmoid(logits) > 0.5} (accuracy_score,
 * hamming_loss, precision/recall/f1_score with zero_division=0) and PyTorch 1.13 for the loss (BCEWithLogitsLoss in
 * float64).
 */
class MultiLabelReportTest {
  /** 8 examples, 3 labels; label 2 is never present nor predicted, and a logit of exactly 0 (σ = 0.5) is absent. */
  private static final float[] LOGITS = {
      2.0f, -1.0f, -3.0f,
      0.5f, 0.25f, -2.0f,
      -0.5f, 1.5f, -1.0f,
      3.0f, 2.0f, -4.0f,
      -2.0f, -0.1f, -0.5f,
      1.0f, -1.0f, -2.5f,
      0.0f, 0.75f, -1.5f,
      -1.25f, -2.0f, -0.25f};
  private static final float[] TARGETS = {
      1, 0, 0,
      1, 1, 0,
      0, 1, 0,
      1, 0, 0,
      0, 1, 0,
      1, 0, 0,
      1, 1, 0,
      0, 0, 0};

  @Test
  void scikitLearnsFiguresOfAWorkedExample() {
    MultiLabelReport r = MultiLabelReport.ofLogits(LOGITS, TARGETS, 3);
    assertEquals(8, r.examples());
    assertEquals(3, r.labels());
    assertEquals(0.625, r.subsetAccuracy(), 1e-15); // rows 3, 4 and 6 have a label wrong
    assertEquals(0.125, r.hammingLoss(), 1e-15); // 3 of 24 decisions
    assertEquals(0.823529411764706, r.f1Micro(), 1e-15);
    assertEquals(0.5462962962962963, r.f1Macro(), 1e-15);
    double[] f1 = {0.888888888888889, 0.75, 0};
    double[] precision = {1, 0.75, 0};
    double[] recall = {0.8, 0.75, 0};
    long[] support = {5, 4, 0};
    for (int l = 0; l < 3; l++) {
      assertEquals(f1[l], r.f1(l), 1e-15, "f1 of label " + l);
      assertEquals(precision[l], r.precision(l), 1e-15, "precision of label " + l);
      assertEquals(recall[l], r.recall(l), 1e-15, "recall of label " + l);
      assertEquals(support[l], r.support(l), "support of label " + l);
    }
    assertEquals(0.3806325603243825, r.loss(), 1e-12);
  }

  /**
   * scikit-learn 1.2.1 on σ(logits): roc_auc_score and average_precision_score of labels 0 and 1, and of both columns
   * (macro); label 2, never present, has neither and is left out of the means (where scikit-learn raises an error).
   */
  @Test
  void eachLabelsRankingAndTheirMeans() {
    MultiLabelReport r = MultiLabelReport.ofLogits(LOGITS, TARGETS, 3);
    assertEquals(1, r.ranking(0).rocAuc(), 1e-15);
    assertEquals(1, r.ranking(0).averagePrecision(), 1e-15);
    assertEquals(0.75, r.ranking(1).rocAuc(), 1e-15);
    assertEquals(0.6791666666666667, r.ranking(1).averagePrecision(), 1e-15);
    assertTrue(Double.isNaN(r.ranking(2).rocAuc()));
    assertTrue(Double.isNaN(r.ranking(2).averagePrecision()));
    assertEquals(0.875, r.rocAucMacro(), 1e-15);
    assertEquals(0.8395833333333333, r.averagePrecisionMacro(), 1e-15);
    float[] diverged = LOGITS.clone();
    diverged[4] = Float.NaN;
    assertTrue(Double.isNaN(MultiLabelReport.ofLogits(diverged, TARGETS, 3).rocAucMacro()));
  }

  /** Probabilities 0.622, 0.378 and 0.881 of one label, present in the first two rows, at three thresholds. */
  @Test
  void aThresholdMovesTheDecisions() {
    float[] logits = {0.5f, -0.5f, 2};
    float[] targets = {1, 1, 0};
    MultiLabelReport half = MultiLabelReport.ofLogits(logits, targets, 1);
    MultiLabelReport low = MultiLabelReport.ofLogits(logits, targets, 1, 0.3);
    MultiLabelReport high = MultiLabelReport.ofLogits(logits, targets, 1, 0.7);
    assertEquals(0.5, half.recall(0));
    assertEquals(0.5, half.precision(0));
    assertEquals(1, low.recall(0));
    assertEquals(2 / 3.0, low.precision(0), 1e-15);
    assertEquals(0, high.recall(0));
    assertEquals(1, high.hammingLoss()); // every decision wrong
    assertEquals(half.loss(), high.loss());
    assertThrows(IllegalArgumentException.class, () -> MultiLabelReport.ofLogits(logits, targets, 1, 0));
  }

  /** σ(0) is 0.5, not above it: PyTorch's and scikit-learn's threshold leaves the label absent. */
  @Test
  void aLabelIsPresentWhereItsProbabilityIsAboveOneHalf() {
    assertEquals(0.5f, MultiLabelReport.probability(0));
    assertTrue(MultiLabelReport.probability(1e-6f) > 0.5f);
    assertEquals(1, MultiLabelReport.ofLogits(new float[] {0}, new float[] {0}, 1).subsetAccuracy());
    assertEquals(0, MultiLabelReport.ofLogits(new float[] {0}, new float[] {1}, 1).subsetAccuracy());
    // Logits far out give finite losses: the stable form, as BCEWithLogitsLoss's.
    assertEquals(1e4, MultiLabelReport.ofLogits(new float[] {1e4f}, new float[] {0}, 1).loss(), 1e-9);
    assertEquals(0, MultiLabelReport.ofLogits(new float[] {-1e4f}, new float[] {0}, 1).loss(), 1e-12);
  }

  @Test
  void targetsOtherThanZeroOrOneAndShapesThatDoNotFitAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MultiLabelReport.ofLogits(new float[] {1, 2}, new float[] {1, 0.5f}, 2));
    assertEquals("target 0.5 at example 0, label 1 is neither 0 nor 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MultiLabelReport.ofLogits(new float[3], new float[3], 2));
    assertThrows(IllegalArgumentException.class, () -> MultiLabelReport.ofLogits(new float[2], new float[4], 2));
  }
}
