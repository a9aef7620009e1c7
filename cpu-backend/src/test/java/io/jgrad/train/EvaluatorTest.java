package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.BceWithLogitsLoss;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An evaluation pass keeps its per-batch results on the device ({@link Evaluator}): it reads the device once, and its
 * loss and accuracy are those of a pass that reads every batch's outputs ({@link ClassificationReport}) bit for bit —
 * across a partial last batch, in 16-bit autocast, and with 300 classes, where a 16-bit arg-max index would no
 * longer be exact.
 */
class EvaluatorTest {
  private static final int FEATURES = 12;
  private static final int CLASSES = 300;
  /** Five batches of 200 and one of 10. */
  private static final int EXAMPLES = 1010;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu-scalar, FP32", "cpu, FP32", "cpu, BF16", "cpu-scalar, FP16"})
  void aPassReadsTheDeviceOnceAndEqualsReadingEveryBatch(String backendName, Precision precision) {
    try (Backend backend = RecordingBackend.wrap(Backends.create(backendName))) {
      Generator g = new Generator(3);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 64, g), new ReLU(),
          new Linear(backend, 64, CLASSES, g));
      LabeledData data = labelledByTheModel(backend, model, precision);
      CrossEntropyLoss loss = new CrossEntropyLoss(Reduction.MEAN, 0.1);
      RecordingBackend recorder = RecordingBackend.of(backend);
      try (DataLoader loader = DataLoader.builder(data).batchSize(200).build(backend);
          Autocast ignored = precision.enter()) {
        int downloadsBefore = recorder.calls("download");
        int scopesBefore = recorder.calls("deferChecks");
        Evaluation pass = Evaluation.of(model, loss, loader);
        assertEquals(1, recorder.calls("download") - downloadsBefore, "read-backs in a pass of 6 batches");
        assertEquals(1, recorder.calls("deferChecks") - scopesBefore, "deferred-check scopes in a pass");
        assertEquals(1, recorder.downloadsInCheckScope(), "the pass's read-back reports its label checks");
        assertEquals(0, recorder.openCheckScopes(), "the pass's scope is closed after it");
        ClassificationReport everyBatch = ClassificationReport.of(model, loss, loader);
        assertEquals(everyBatch.loss(), pass.loss(), "mean loss");
        assertEquals(everyBatch.accuracy(), pass.accuracy(), "accuracy");
        assertTrue(pass.accuracy() > 0.5 && pass.accuracy() < 1, "a mix of right and wrong: " + pass.accuracy());
      } finally {
        model.close();
      }
    }
  }

  /**
   * Under binary cross-entropy the pass counts the examples whose every label is decided right: its accuracy is the
   * subset accuracy {@link MultiLabelReport} reads from every batch's logits, and its loss theirs, on 3 labels of which
   * half the examples carry the model's own decisions (each label present where its logit is above 0) and the rest
   * random ones.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"cpu-scalar", "cpu"})
  void underBinaryCrossEntropyThePassCountsExamplesWithEveryLabelRight(String backendName) {
    int labels = 3;
    try (Backend backend = Backends.create(backendName)) {
      Generator g = new Generator(4);
      Sequential model = new Sequential(new Linear(backend, FEATURES, 16, g), new ReLU(),
          new Linear(backend, 16, labels, g));
      SplittableRandom rng = new SplittableRandom(19);
      float[] x = new float[EXAMPLES * FEATURES];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextGaussian();
      }
      float[] logits;
      try (NoGrad ng = NoGrad.enter(); Tensor features = Tensor.of(backend, x, EXAMPLES, FEATURES);
          Tensor out = model.forward(features)) {
        logits = out.toFloatArray();
      }
      float[] y = new float[EXAMPLES * labels];
      for (int i = 0; i < y.length; i++) {
        y[i] = i / labels % 2 == 0 ? (logits[i] > 0 ? 1 : 0) : rng.nextInt(2);
      }
      try (DataLoader loader = DataLoader.builder(LabeledData.regression(x, y, FEATURES, labels)).batchSize(200)
          .build(backend)) {
        Evaluation pass = Evaluation.of(model, new BceWithLogitsLoss(), loader);
        MultiLabelReport everyBatch = MultiLabelReport.of(model, loader);
        assertEquals(everyBatch.subsetAccuracy(), pass.accuracy(), "subset accuracy");
        assertEquals(everyBatch.loss(), pass.loss(), 1e-5, "mean loss (float32 sums against float64)");
        assertTrue(pass.accuracy() > 0.5 && pass.accuracy() < 0.7, "half right by design, an eighth of the rest: "
            + pass.accuracy());
      } finally {
        model.close();
      }
    }
  }

  /**
   * Random features; two examples in three labelled with the model's own arg-max (ties to the lower class, in the
   * given precision), the rest at random, so that right predictions of every class index, above 256 too, count.
   */
  private static LabeledData labelledByTheModel(Backend backend, Sequential model, Precision precision) {
    SplittableRandom rng = new SplittableRandom(17);
    float[] x = new float[EXAMPLES * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    float[] out;
    try (NoGrad ng = NoGrad.enter(); Autocast ac = precision.enter();
        Tensor features = Tensor.of(backend, x, EXAMPLES, FEATURES); Tensor scores = model.forward(features)) {
      out = scores.toFloatArray();
    }
    int[] y = new int[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      int best = 0;
      for (int c = 1; c < CLASSES; c++) {
        best = out[i * CLASSES + c] > out[i * CLASSES + best] ? c : best;
      }
      y[i] = i % 3 == 2 ? rng.nextInt(CLASSES) : best;
    }
    return new LabeledData(x, y, FEATURES, CLASSES);
  }
}
