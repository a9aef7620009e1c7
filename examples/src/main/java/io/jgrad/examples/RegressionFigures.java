package io.jgrad.examples;

import io.jgrad.train.QuantileReport;
import io.jgrad.train.RegressionReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A regression model's figures as {@code train}'s summary and {@code eval} print them: mean squared error, its root,
 * mean absolute error and R², over every target value (R² averaged over the targets, scikit-learn's uniform average),
 * a quantile model's pinball loss and coverage besides, and where there are several targets each one's own under
 * {@code per_target}, by name.
 */
final class RegressionFigures {
  private RegressionFigures() {}

  /**
   * @param columns each target's report ({@link RegressionReport#perTarget}), in the order of {@code targets}
   * @param prefix put ahead of each field's name ({@code test_} in the summary)
   */
  static Map<String, Object> of(List<RegressionReport> columns, List<String> targets, String prefix) {
    return of(columns, List.of(), targets, prefix);
  }

  /**
   * {@link #of(List, List, String)} of a model trained on a quantile's pinball loss, with each target's {@code
   * pinball_loss} and {@code coverage} (the fraction of targets at or below the prediction) from {@code quantiles}.
   */
  static Map<String, Object> of(List<RegressionReport> columns, List<QuantileReport> quantiles, List<String> targets,
      String prefix) {
    if (columns.size() != targets.size() || !quantiles.isEmpty() && quantiles.size() != targets.size()) {
      throw new IllegalArgumentException(columns.size() + " reports for " + targets.size() + " targets");
    }
    Map<String, Object> f = fields(RegressionReport.average(columns),
        quantiles.isEmpty() ? null : QuantileReport.average(quantiles), prefix);
    if (targets.size() > 1) {
      Map<String, Object> each = new LinkedHashMap<>();
      for (int t = 0; t < targets.size(); t++) {
        each.put(targets.get(t), fields(columns.get(t), quantiles.isEmpty() ? null : quantiles.get(t), ""));
      }
      f.put(prefix + "per_target", each);
    }
    return f;
  }

  /** @param q the quantile figures of the same column, or null for a model of the mean */
  private static Map<String, Object> fields(RegressionReport r, QuantileReport q, String prefix) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(prefix + "mse", r.mse());
    f.put(prefix + "rmse", r.rmse());
    f.put(prefix + "mae", r.mae());
    f.put(prefix + "r2", r.r2());
    if (q != null) {
      f.put(prefix + "pinball_loss", q.pinballLoss());
      f.put(prefix + "coverage", q.coverage());
    }
    return f;
  }
}
