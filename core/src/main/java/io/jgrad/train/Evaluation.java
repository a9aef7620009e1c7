package io.jgrad.train;

import io.jgrad.data.DataLoader;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;

/**
 * Loss and accuracy of a model on a data set, in eval mode and without recording a graph.
 *
 * @param loss mean loss per example
 * @param accuracy fraction of examples whose arg-max output is the label; under binary cross-entropy, of examples
 *     whose every label is decided right ({@link MultiLabelReport#subsetAccuracy}); NaN for regression data (see
 *     {@link RegressionReport})
 */
public record Evaluation(double loss, double accuracy) {

  /** One pass over {@code data}; the device is read once at its end, not per batch. */
  public static Evaluation of(Module model, Loss loss, DataLoader data) {
    try (Evaluator evaluator = new Evaluator(model, loss, null)) {
      return evaluator.evaluate(data);
    }
  }
}
