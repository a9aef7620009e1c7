package io.jgrad.examples;

import io.jgrad.data.LabeledData;
import java.util.List;

/**
 * {@code train --class-weights}: "balanced", scikit-learn's {@code class_weight="balanced"} (class c weighs n / (C ·
 * n_c), n_c its training examples, so that every class counts as much in the loss), or one weight a class in the
 * classes' order, as PyTorch's {@code CrossEntropyLoss(weight=...)} takes them. For a multi-label table, the weight of
 * each label's present examples, as PyTorch's {@code BCEWithLogitsLoss(pos_weight=...)} takes them; "balanced" is
 * PyTorch's advice for it, the label's absent examples over its present ones.
 */
record ClassWeights(String text) {
  static final String BALANCED = "balanced";

  /** The weights as given, checked for form before any data is read; null for "balanced". */
  float[] given() {
    if (text.equals(BALANCED)) {
      return null;
    }
    String[] parts = text.split(",", -1);
    float[] w = new float[parts.length];
    for (int i = 0; i < w.length; i++) {
      Float v = parse(parts[i].strip());
      if (v == null || !(v >= 0 && Float.isFinite(v))) {
        throw new IllegalArgumentException("--class-weights takes 'balanced' or one number >= 0 a class, comma-"
            + "separated, got '" + text + "'");
      }
      w[i] = v;
    }
    boolean anyPositive = false;
    for (float v : w) {
      anyPositive |= v > 0;
    }
    if (!anyPositive) {
      throw new IllegalArgumentException("--class-weights " + text + ": all 0, no example would count");
    }
    return w;
  }

  /** The weights for {@code train}'s classes: "balanced" from its label counts, or those given, one a class. */
  float[] resolve(LabeledData train, List<String> classNames) {
    float[] w = given(classNames, "classes");
    if (w != null) {
      return w;
    }
    int classes = classNames.size();
    int[] counts = train.classCounts();
    w = new float[classes];
    for (int c = 0; c < classes; c++) {
      if (counts[c] == 0) {
        throw new IllegalArgumentException("--class-weights balanced: class '" + classNames.get(c) + "' has no "
            + "training examples, so no weight balances it");
      }
      w[c] = (float) ((double) train.size() / ((double) classes * counts[c]));
    }
    return w;
  }

  /**
   * The positive weights for {@code train}'s labels (a multi-label table's, 0/1 targets a label): "balanced" from each
   * label's counts, absent / present, or those given, one a label.
   */
  float[] resolvePresent(LabeledData train, List<String> labelNames) {
    float[] w = given(labelNames, "labels");
    if (w != null) {
      return w;
    }
    int labels = labelNames.size();
    long[] present = new long[labels];
    float[] targets = train.targets();
    for (int i = 0; i < targets.length; i++) {
      present[i % labels] += targets[i] == 1 ? 1 : 0;
    }
    w = new float[labels];
    for (int l = 0; l < labels; l++) {
      long absent = train.size() - present[l];
      if (present[l] == 0 || absent == 0) {
        throw new IllegalArgumentException("--class-weights balanced: label '" + labelNames.get(l) + "' is "
            + (present[l] == 0 ? "absent from" : "present in") + " every training example, so no weight balances it");
      }
      w[l] = (float) ((double) absent / present[l]);
    }
    return w;
  }

  /** The weights as given, one for each of {@code names} (the {@code kind}: classes, labels); null for "balanced". */
  private float[] given(List<String> names, String kind) {
    float[] w = given();
    if (w != null && w.length != names.size()) {
      throw new IllegalArgumentException("--class-weights " + text + " gives " + w.length + " weights for "
          + names.size() + " " + kind + " (" + String.join(", ", names) + ")");
    }
    return w;
  }

  private static Float parse(String s) {
    try {
      return Float.parseFloat(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
