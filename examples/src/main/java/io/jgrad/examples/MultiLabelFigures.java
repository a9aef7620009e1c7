package io.jgrad.examples;

import io.jgrad.train.MultiLabelReport;
import io.jgrad.train.ScoreRanking;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-label model's figures as {@code train}'s summary and {@code eval} print them (scikit-learn's): the loss,
 * subset accuracy, Hamming loss, F1 micro and macro, the labels' mean ROC AUC and average precision, and each label's
 * precision, recall, F1, support, ROC AUC and average precision under {@code per_label}, by name.
 */
final class MultiLabelFigures {
  private MultiLabelFigures() {}

  /**
   * @param labels the model's labels, in the report's order
   * @param prefix put ahead of each field's name ({@code test_} in the summary)
   */
  static Map<String, Object> of(MultiLabelReport r, List<String> labels, String prefix) {
    if (r.labels() != labels.size()) {
      throw new IllegalArgumentException(r.labels() + " labels reported for " + labels.size() + " names");
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(prefix + "loss", r.loss());
    f.put(prefix + "subset_accuracy", r.subsetAccuracy());
    f.put(prefix + "hamming_loss", r.hammingLoss());
    f.put(prefix + "f1_micro", r.f1Micro());
    f.put(prefix + "f1_macro", r.f1Macro());
    f.put(prefix + "roc_auc", r.rocAucMacro());
    f.put(prefix + "average_precision", r.averagePrecisionMacro());
    Map<String, Object> each = new LinkedHashMap<>();
    for (int l = 0; l < labels.size(); l++) {
      Map<String, Object> label = new LinkedHashMap<>();
      label.put("precision", r.precision(l));
      label.put("recall", r.recall(l));
      label.put("f1", r.f1(l));
      label.put("support", r.support(l));
      ScoreRanking ranking = r.ranking(l);
      label.put("roc_auc", ranking == null ? null : ranking.rocAuc());
      label.put("average_precision", ranking == null ? null : ranking.averagePrecision());
      each.put(labels.get(l), label);
    }
    f.put(prefix + "per_label", each);
    return f;
  }
}
