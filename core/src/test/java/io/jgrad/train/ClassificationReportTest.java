package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void badShapesAndKAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new float[5], new int[2], 3, 0));
    assertThrows(IllegalArgumentException.class, () -> sample().topK(0));
  }
}
