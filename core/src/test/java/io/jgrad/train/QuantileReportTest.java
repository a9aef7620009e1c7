package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A worked example whose pinball losses scikit-learn 1.2.1's mean_pinball_loss gives too. */
class QuantileReportTest {
  /** Column 0: targets 1, 2, 4, 3, 5; column 1 ten times them; predicted around them, two of five errors negative. */
  private static final float[] TARGETS = {1, 10, 2, 20, 4, 40, 3, 30, 5, 50};
  private static final float[] OUTPUTS = {1.5f, 12, 2, 18, 3, 45, 3.5f, 30, 4, 49};

  @Test
  void pinballLossAndCoverageOfEachColumnAndTheirMean() {
    List<QuantileReport> high = QuantileReport.perTarget(OUTPUTS, TARGETS, 2, 0.9);
    assertEquals(0.38, high.get(0).pinballLoss(), 1e-12);
    assertEquals(0.68, high.get(1).pinballLoss(), 1e-12);
    // A target equal to its prediction is covered: rows 1, 3 and 4 of column 0, rows 0, 2 and 3 of column 1.
    assertEquals(0.6, high.get(0).coverage(), 1e-15);
    assertEquals(0.6, high.get(1).coverage(), 1e-15);
    QuantileReport mean = QuantileReport.average(high);
    assertEquals(5, mean.examples());
    assertEquals(0.53, mean.pinballLoss(), 1e-12);
    assertEquals(0.6, mean.coverage(), 1e-15);
    List<QuantileReport> low = QuantileReport.perTarget(OUTPUTS, TARGETS, 2, 0.25);
    assertEquals(0.25, low.get(0).pinballLoss(), 1e-12);
    assertEquals(1.2, low.get(1).pinballLoss(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> QuantileReport.perTarget(OUTPUTS, new float[4], 2, 0.5));
  }
}
