package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.check.GradCheck;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.init.Initializer;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Loss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/**
 * {@link Distillation}: PyTorch's tutorial's loss computed on the host in float64, its gradient checked, and a fit that
 * moves the student and leaves the teacher as it was.
 */
class DistillationTest extends ReferenceBackendTest {
  private static final double[] X = {0.5, -1, 2, 0.25, -0.75, 1.5, 3, -2, 0.125, 1, -0.5, 0.875};
  private static final int[] Y = {0, 2, 1, 2};
  private static final int N = 4;
  private static final int FEATURES = 3;
  private static final int CLASSES = 3;

  private static Sequential teacher() {
    return new Sequential(new Linear(backend, DType.FLOAT64, FEATURES, CLASSES, true, Initializer.heUniform(),
        new Generator(8)));
  }

  /** w·T²·Σ p·(log p − log q)/B + (1 − w)·CE, p and q the softmaxes of the logits over T, as the tutorial writes it. */
  @Test
  void theLossIsTheTutorialsSoftAndHardTerms() {
    Sequential teacher = teacher();
    double t = 3;
    double w = 0.4;
    double[] student = {0.3, -0.2, 1.1, -0.7, 0.4, 0.05, 2.0, -1.5, 0.6, 0.9, 0.1, -0.3};
    Loss hard = new CrossEntropyLoss(Reduction.MEAN, 0);
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.of(backend, X, N, FEATURES);
      double[] teacherLogits = teacher.eval().forward(x).toDoubleArray();
      Tensor studentLogits = Tensor.of(backend, student, N, CLASSES);
      double kl = 0;
      for (int r = 0; r < N; r++) {
        double[] logP = logSoftmax(teacherLogits, r, t);
        double[] logQ = logSoftmax(student, r, t);
        for (int c = 0; c < CLASSES; c++) {
          kl += Math.exp(logP[c]) * (logP[c] - logQ[c]);
        }
      }
      double ce = hard.apply(studentLogits, Tensor.of(backend, Y, N)).item();
      double expected = w * t * t * kl / N + (1 - w) * ce;
      double got = new Distillation(teacher, t, w).loss(studentLogits, x, Tensor.of(backend, Y, N), hard).item();
      assertEquals(expected, got, 1e-14);
    }
    teacher.close();
  }

  private static double[] logSoftmax(double[] logits, int row, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      max = Math.max(max, logits[row * CLASSES + c] / t);
    }
    double sum = 0;
    for (int c = 0; c < CLASSES; c++) {
      sum += Math.exp(logits[row * CLASSES + c] / t - max);
    }
    double[] out = new double[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      out[c] = logits[row * CLASSES + c] / t - max - Math.log(sum);
    }
    return out;
  }

  @Test
  void theGradientReachesTheStudentsLogitsAlone() {
    Sequential teacher = teacher();
    Distillation distillation = new Distillation(teacher, 2, 0.6);
    Loss hard = new CrossEntropyLoss(Reduction.MEAN, 0.1);
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.of(backend, X, N, FEATURES);
      Tensor labels = Tensor.of(backend, Y, N);
      Tensor logits = Tensor.rand(backend, DType.FLOAT64, io.jgrad.Shape.of(N, CLASSES), new Generator(2), -2, 2);
      GradCheck.Result r = GradCheck.check(in -> distillation.loss(in[0], x, labels, hard), logits);
      assertTrue(r.passed(GradCheck.TOLERANCE), r.toString());
      teacher.parameters().forEach(p -> assertEquals(null, p.grad(), "the teacher takes no gradient"));
    }
    teacher.close();
    assertThrows(IllegalArgumentException.class, () -> new Distillation(teacher(), 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new Distillation(teacher(), 2, 1.5));
  }

  /** A student taught by a teacher trains otherwise than alone; the teacher's weights stay as they were. */
  @Test
  void aFitMovesTheStudentAndLeavesTheTeacher() {
    LabeledData data = TrainerTest.clusters(60, 1);
    Sequential teacher = network(data, 9);
    float[][] before = weights(teacher);
    float[][] taught = fit(data, new Distillation(teacher, 2, 0.5));
    float[][] alone = fit(data, null);
    float[][] after = weights(teacher);
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], after[i], "the teacher's layer " + i);
    }
    assertNotEquals(taught[0][0], alone[0][0], "the teacher's targets change the student's steps");
    teacher.close();
  }

  private static Sequential network(LabeledData data, long seed) {
    Generator init = new Generator(seed);
    return new Sequential(new Linear(backend, data.featureSize(), 8, init), new ReLU(),
        new Linear(backend, 8, data.numClasses(), init));
  }

  private static float[][] fit(LabeledData data, Distillation distillation) {
    Sequential student = network(data, 5);
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(student.namedParameters(), 0.01)) {
      new Trainer(student, opt, new CrossEntropyLoss(Reduction.MEAN, 0)).distill(distillation).fit(loader, null, 2);
      float[][] w = weights(student);
      student.close();
      return w;
    }
  }
}
