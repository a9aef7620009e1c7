package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Worked examples whose figures scikit-learn's mean_squared_error, mean_absolute_error and r2_score give too. */
class RegressionReportTest {
  /** Column 0: targets 1, 2, 4, 3 predicted 1, 2, 3, 4 (R² 0.6); column 1: the constant 5, predicted exactly (R² 1). */
  private static final float[] TARGETS = {1, 5, 2, 5, 4, 5, 3, 5};
  private static final float[] OUTPUTS = {1, 5, 2, 5, 3, 5, 4, 5};

  @Test
  void errorsOverEveryValueAndRSquaredAveragedOverTheColumns() {
    RegressionReport r = RegressionReport.of(OUTPUTS, TARGETS, 2);
    assertEquals(4, r.examples());
    assertEquals(0.25, r.mse(), 1e-15);
    assertEquals(0.5, r.rmse(), 1e-15);
    assertEquals(0.25, r.mae(), 1e-15);
    assertEquals(0.8, r.r2(), 1e-15);
  }

  /** A constant column missed by 1 once scores R² 0 (scikit-learn's force_finite), not −∞. */
  @Test
  void aConstantColumnPredictedWrongScoresZero() {
    float[] outputs = OUTPUTS.clone();
    outputs[1] = 6;
    RegressionReport r = RegressionReport.of(outputs, TARGETS, 2);
    assertEquals(0.375, r.mse(), 1e-15);
    assertEquals(0.375, r.mae(), 1e-15);
    assertEquals(0.3, r.r2(), 1e-15);
  }

  /** Each column on its own, as r2_score(…, multioutput="raw_values") and its kin give them; their mean, the whole. */
  @Test
  void eachTargetColumnScoredOnItsOwn() {
    float[] outputs = OUTPUTS.clone();
    outputs[1] = 6;
    List<RegressionReport> columns = RegressionReport.perTarget(outputs, TARGETS, 2);
    assertEquals(2, columns.size());
    assertEquals(new RegressionReport(4, 0.5, 0.5, 0.6), columns.get(0));
    assertEquals(new RegressionReport(4, 0.25, 0.25, 0), columns.get(1));
    RegressionReport whole = RegressionReport.of(outputs, TARGETS, 2);
    RegressionReport averaged = RegressionReport.average(columns);
    assertEquals(4, averaged.examples());
    assertEquals(whole.r2(), averaged.r2(), 1e-15);
    assertEquals(whole.mse(), averaged.mse(), 1e-15);
    assertEquals(whole.mae(), averaged.mae(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> RegressionReport.perTarget(new float[3], new float[4], 2));
  }

  @Test
  void outputsAndTargetsMustPair() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RegressionReport.of(new float[3], new float[4], 2));
    assertEquals("3 outputs and 4 targets are not N × 2", e.getMessage());
  }
}
