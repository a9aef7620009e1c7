package io.jgrad.train;

import java.util.function.ToDoubleFunction;

/**
 * A per-epoch metric that early stopping and save-best watch, and which way is better. Pick a model on the validation
 * metrics: a model picked on the test set has seen it, and its test score no longer measures anything.
 */
public enum Monitor {
  VALIDATION_LOSS(EpochMetrics::validationLoss, false),
  VALIDATION_ACCURACY(EpochMetrics::validationAccuracy, true),
  /** Needs a trainer that {@link Trainer#rankValidation ranks the validation data}. */
  VALIDATION_MACRO_F1(EpochMetrics::validationMacroF1, true),
  /** Needs a trainer that {@link Trainer#rankValidation ranks the validation data}. */
  VALIDATION_ROC_AUC(EpochMetrics::validationRocAuc, true),
  TRAIN_LOSS(EpochMetrics::trainLoss, false),
  TEST_LOSS(EpochMetrics::testLoss, false),
  TEST_ACCURACY(EpochMetrics::testAccuracy, true);

  private final ToDoubleFunction<EpochMetrics> metric;
  private final boolean higherIsBetter;

  Monitor(ToDoubleFunction<EpochMetrics> metric, boolean higherIsBetter) {
    this.metric = metric;
    this.higherIsBetter = higherIsBetter;
  }

  public double value(EpochMetrics m) {
    return metric.applyAsDouble(m);
  }

  /** How much better {@code candidate} is than {@code best} (negative when worse). */
  public double gain(double candidate, double best) {
    return higherIsBetter ? candidate - best : best - candidate;
  }

  /** Whether a higher value is better (an accuracy) rather than a lower one (a loss). */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** True for the metrics a trainer measures only with validation data. */
  public boolean needsValidation() {
    return this == VALIDATION_LOSS || this == VALIDATION_ACCURACY || needsRanking();
  }

  /** True for the metrics that need every validation example's probabilities ({@link Trainer#rankValidation}). */
  public boolean needsRanking() {
    return this == VALIDATION_MACRO_F1 || this == VALIDATION_ROC_AUC;
  }

  /** As in metrics files: "validation_loss". */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
