package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Imputer;
import io.jgrad.data.LabeledData;
import io.jgrad.init.Initializer;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Module;
import io.jgrad.train.ClassificationReport;
import io.jgrad.train.MultiLabelReport;
import io.jgrad.train.RegressionReport;
import io.jgrad.train.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Batch inference from one model file ({@link ModelFile}: a model file or a checkpoint written with its description):
 * it rebuilds the architecture, loads the weights, standardises raw inputs with the training set's statistics, and
 * runs the model in eval mode without recording a graph.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.load(Path.of("mlp.safetensors"), backend)) {
 *   Prediction first = p.predict(pixels).get(0);   // pixels: N × 784 floats in [0, 1]
 * }
 * }</pre>
 */
public final class Predictor implements AutoCloseable {
  /** Rows per forward pass: large enough for the GEMM, small enough to bound memory. */
  private static final int BATCH = 256;

  private final ModelFile description;
  private final Module model;
  private final Backend backend;

  private Predictor(ModelFile description, Module model, Backend backend) {
    this.description = description;
    this.model = model;
    this.backend = backend;
  }

  /** Reads {@code file}: its description, then its weights into a model built from it. */
  public static Predictor load(Path file, Backend backend) {
    SafetensorsFile f = Safetensors.read(file);
    ModelFile description = ModelFile.fromMetadata(f.metadata(), file.toString());
    // Zeros, overwritten at once: drawing weights to throw away was most of a small model's load.
    Module model = description.architecture().build(backend, Initializer.zeros(), new Generator(0), new Generator(1));
    try {
      ModelWeights.apply(model, f.tensors(), file.toString(), TrainingCheckpoint.weightPrefix(f.metadata()));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    model.eval();
    return new Predictor(description, model, backend);
  }

  public ModelFile description() {
    return description;
  }

  Backend backend() {
    return backend;
  }

  /** The model, in eval mode. */
  public Module model() {
    return model;
  }

  /**
   * One prediction per row of {@code raw}: N × features values in the units the training data had before
   * standardisation (pixels in [0, 1]); they are standardised on a copy. A NaN is a missing value, filled with the
   * model's fill value where it was trained with imputation ({@link ModelFile#fill}).
   */
  public List<Prediction> predict(float[] raw) {
    return predictions(raw, Double.NaN);
  }

  /**
   * As {@link #predict(float[])}, a two-class model predicting its second class wherever that class's probability is
   * above {@code threshold} instead of where it is the likelier (scikit-learn's {@code FixedThresholdClassifier}):
   * lower finds more of the second class, at the cost of precision.
   */
  public List<Prediction> predict(float[] raw, double threshold) {
    int classes = description.architecture().classes();
    if (description.isRegression() || description.isMultiLabel() || classes != 2) {
      throw new IllegalStateException(description.isRegression() || description.isMultiLabel()
          ? "a threshold here decides between two classes (a multi-label model's is Predictor.evaluateMultiLabel's)"
          : "a threshold decides between two classes; the model has " + classes);
    }
    return predictions(raw, MultiLabelReport.requireThreshold(threshold));
  }

  /** Of a two-class model with a {@code threshold}, the second class where its probability is above it. */
  private List<Prediction> predictions(float[] raw, double threshold) {
    if (description.isRegression()) {
      throw new IllegalStateException("a regression model predicts values (Predictor.values), not classes");
    }
    if (description.isMultiLabel()) {
      throw new IllegalStateException("a multi-label model gives each label's probability "
          + "(Predictor.labelProbabilities), not one class");
    }
    int classes = description.architecture().classes();
    float[] probabilities = outputs(raw, scores -> tempered(scores).softmax(1));
    List<Prediction> out = new ArrayList<>(probabilities.length / classes);
    for (int i = 0; i < probabilities.length / classes; i++) {
      float[] p = Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
      int label = 0;
      if (Double.isNaN(threshold)) {
        for (int c = 1; c < classes; c++) {
          label = p[c] > p[label] ? c : label;
        }
      } else {
        label = p[1] > threshold ? 1 : 0;
      }
      out.add(new Prediction(label, description.classNames().get(label), p, description.classNames()));
    }
    return out;
  }

  /**
   * A regression model's predictions for each row of {@code raw} (as {@link #predict} takes it): N × targets values
   * in the targets' units, row-major.
   */
  public float[] values(float[] raw) {
    if (!description.isRegression()) {
      throw new IllegalStateException(description.isMultiLabel()
          ? "a multi-label model gives each label's probability (Predictor.labelProbabilities), not values"
          : "a classifier predicts classes (Predictor.predict), not values");
    }
    float[] values = outputs(raw, UnaryOperator.identity());
    description.targetScale().invertInPlace(values);
    return values;
  }

  /**
   * A multi-label model's probabilities for each row of {@code raw} (as {@link #predict} takes it): N × labels,
   * row-major, each label's σ(logit) ({@link MultiLabelReport#probability}); a label is present where it is above 0.5.
   */
  public float[] labelProbabilities(float[] raw) {
    float[] p = logits(raw);
    for (int i = 0; i < p.length; i++) {
      p[i] = MultiLabelReport.probability(p[i]);
    }
    return p;
  }

  private float[] logits(float[] raw) {
    if (!description.isMultiLabel()) {
      throw new IllegalStateException("not a multi-label model: a " + (description.isRegression()
          ? "regression model predicts values (Predictor.values)" : "classifier predicts classes (Predictor.predict)"));
    }
    return outputs(raw, UnaryOperator.identity());
  }

  /**
   * {@code head} of the model's outputs for each row of {@code raw} (standardised on a copy), N × outputs row-major,
   * in chunks of {@value #BATCH} rows without recording a graph.
   */
  private float[] outputs(float[] raw, UnaryOperator<Tensor> head) {
    return forward(standardized(raw), head);
  }

  /** As {@link #outputs}, of rows standardised already. */
  float[] forward(float[] x, UnaryOperator<Tensor> head) {
    int features = description.architecture().featureSize();
    int width = description.architecture().classes();
    int rows = x.length / features;
    float[] out = new float[rows * width];
    try (NoGrad ignored = NoGrad.enter()) {
      for (int start = 0; start < rows; start += BATCH) {
        int n = Math.min(BATCH, rows - start);
        try (Scope scope = Scope.open()) {
          Tensor chunk = Tensor.of(backend, Arrays.copyOfRange(x, start * features, (start + n) * features),
              n, features);
          System.arraycopy(head.apply(model.forward(chunk)).toFloatArray(), 0, out, start * width, n * width);
        }
      }
    }
    return out;
  }

  /**
   * A regression model on raw data with their targets (a table as {@link io.jgrad.data.CsvDataset#readRegression}
   * gives it): mean squared and absolute error and R², in the targets' units.
   */
  public RegressionReport evaluateRegression(LabeledData raw) {
    return RegressionReport.average(evaluateRegressionPerTarget(raw));
  }

  /** {@link #evaluateRegression} of each target on its own, in the model's order of targets. */
  public List<RegressionReport> evaluateRegressionPerTarget(LabeledData raw) {
    int features = description.architecture().featureSize();
    int outputs = description.architecture().classes();
    if (raw.featureSize() != features || !raw.isRegression() || raw.targetSize() != outputs) {
      throw new IllegalArgumentException("the model reads " + features + " features into " + outputs + " target"
          + (outputs == 1 ? "" : "s") + "; the data have " + raw.featureSize() + " features and "
          + (raw.isRegression() ? raw.targetSize() + " target" + (raw.targetSize() == 1 ? "" : "s") : "class labels"));
    }
    return RegressionReport.perTarget(values(raw.features()), raw.targets(), outputs);
  }

  /**
   * A multi-label model on raw data with their labels' 0/1 presences (a table as {@link
   * io.jgrad.data.CsvDataset#readMultiLabel} gives it): subset accuracy, Hamming loss, F1 and each label's figures.
   */
  public MultiLabelReport evaluateMultiLabel(LabeledData raw) {
    return evaluateMultiLabel(raw, MultiLabelReport.THRESHOLD);
  }

  /** As {@link #evaluateMultiLabel(LabeledData)}, a label present where its probability is above {@code threshold}. */
  public MultiLabelReport evaluateMultiLabel(LabeledData raw, double threshold) {
    int features = description.architecture().featureSize();
    int labels = description.architecture().classes();
    if (raw.featureSize() != features || !raw.isRegression() || raw.targetSize() != labels) {
      throw new IllegalArgumentException("the model reads " + features + " features into " + labels + " label"
          + (labels == 1 ? "" : "s") + "; the data have " + raw.featureSize() + " features and "
          + (raw.isRegression() ? raw.targetSize() + " label column" + (raw.targetSize() == 1 ? "" : "s")
              : "one class label"));
    }
    return MultiLabelReport.ofLogits(logits(raw.features()), raw.targets(), labels, threshold);
  }

  /**
   * The model on labelled raw data (a test set as its reader gives it, not standardised): loss (cross-entropy without
   * smoothing), accuracy, top-k, confusion matrix, per-class precision/recall/F1, and each class's ranking.
   */
  public ClassificationReport evaluate(LabeledData raw) {
    if (description.isRegression() || description.isMultiLabel() || raw.isRegression()) {
      throw new IllegalArgumentException(description.isRegression()
          ? "a regression model is scored by Predictor.evaluateRegression"
          : description.isMultiLabel() ? "a multi-label model is scored by Predictor.evaluateMultiLabel"
          : "the data have targets, not classes");
    }
    int features = description.architecture().featureSize();
    if (raw.featureSize() != features || raw.numClasses() != description.architecture().classes()) {
      throw new IllegalArgumentException("the model reads " + features + " features into "
          + description.architecture().classes() + " classes; the data have " + raw.featureSize() + " features and "
          + raw.numClasses() + " classes");
    }
    LabeledData data = new LabeledData(standardized(raw.features()), raw.labels(), features, raw.numClasses());
    try (DataLoader loader = DataLoader.builder(data).batchSize(BATCH).build(backend)) {
      Module scored = description.temperature() == 1 ? model : new Module() {
        @Override
        public Tensor forward(Tensor x) {
          return tempered(model.forward(x));
        }
      };
      return ClassificationReport.of(scored, new CrossEntropyLoss(Reduction.MEAN, 0), loader);
    }
  }

  /** A classifier's logits divided by its temperature ({@link ModelFile#temperature}), what its softmax reads. */
  Tensor tempered(Tensor logits) {
    double t = description.temperature();
    return t == 1 ? logits : logits.div(t);
  }

  /** {@code raw} as the model reads it: missing values filled, each feature standardised, on a copy. */
  float[] standardized(float[] raw) {
    int features = description.architecture().featureSize();
    if (raw.length % features != 0) {
      throw new IllegalArgumentException(raw.length + " values are not rows of the model's " + features + " features");
    }
    float[] x = raw.clone();
    float[] fill = description.fill();
    if (fill.length != 0) {
      Imputer.of(fill).fillInPlace(x);
    }
    description.standardizer().applyInPlace(x);
    return x;
  }

  @Override
  public void close() {
    model.close();
  }
}
