package io.jgrad.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.check.GradCheck;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss gradient-checked in float64, and each against values worked out by hand. */
class LossTest extends ReferenceBackendTest {
  private static final double EXACT = 1e-12;

  private static Tensor labels(int... l) {
    return Tensor.of(backend, l, l.length);
  }

  private static Tensor values(double[] v, int... dims) {
    return Tensor.of(backend, v, dims);
  }

  /**
   * CS231n's three-sample SVM example (per-sample losses 2.9, 0, 12.9), with scores whose margins all sit ≥ 0.3 from
   * the hinge's kink.
   */
  private static final double[] SCORES = {3.2, 5.1, -1.7, 1.3, 4.9, 2.0, 2.2, 2.5, -3.1};

  private static final int[] SCORE_LABELS = {0, 1, 2};

  /** A loss as a function of the inputs the gradient is checked for (x[0] the output; x[1] a float target). */
  record LossCase(String name, Function<Tensor[], Tensor> f, double[]... inputs) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final double[] LOGITS = {0.3, -1.2, 1.9, 0.7, -0.4, 0.05, -1.6, 1.1, 0.9, 0.25, -0.8, 1.4};
  private static final double[] TARGETS = {0.1, 0.9, 0.4, 0.7, 0.0, 1.0, 0.35, 0.6, 0.2, 0.85, 0.5, 0.15};

  static List<LossCase> cases() {
    double[] logits = LOGITS;
    double[] targets = TARGETS;
    return List.of(
        new LossCase("cross_entropy_mean", x -> new CrossEntropyLoss().apply(x[0].reshape(4, 3), labels(0, 2, 1, 2)),
            logits),
        new LossCase("cross_entropy_sum_smoothed",
            x -> new CrossEntropyLoss(Reduction.SUM, 0.1).apply(x[0].reshape(4, 3), labels(1, 1, 0, 2)), logits),
        new LossCase("cross_entropy_weighted_mean_smoothed", x -> new CrossEntropyLoss(Reduction.MEAN, 0.1,
            new float[] {1, 2, 0.5f}).apply(x[0].reshape(4, 3), labels(0, 2, 1, 2)), logits),
        new LossCase("cross_entropy_weighted_sum", x -> new CrossEntropyLoss(Reduction.SUM, 0,
            new float[] {0.25f, 3, 1}).apply(x[0].reshape(4, 3), labels(1, 1, 0, 2)), logits),
        new LossCase("mse", x -> new MseLoss().apply(x[0], x[1]), logits, targets),
        new LossCase("mse_sum", x -> new MseLoss(Reduction.SUM).apply(x[0], x[1]), logits, targets),
        // Errors from −2.1 to 1.5, on both sides of both joins (the nearest 0.05 from one).
        new LossCase("huber", x -> new HuberLoss().apply(x[0], x[1]), logits, targets),
        new LossCase("huber_sum_delta", x -> new HuberLoss(0.8, Reduction.SUM).apply(x[0], x[1]), logits, targets),
        // Targets moved off the outputs: |d| has a kink at 0, where one LOGITS − TARGETS error lies.
        new LossCase("l1", x -> new L1Loss().apply(x[0], x[1].add(0.05)), logits, targets),
        new LossCase("l1_sum", x -> new L1Loss(Reduction.SUM).apply(x[0], x[1].add(0.05)), logits, targets),
        // Targets moved off the outputs, as for l1: the pinball loss's kink is at an error of 0.
        new LossCase("quantile", x -> new QuantileLoss(0.9).apply(x[0], x[1].add(0.05)), logits, targets),
        new LossCase("quantile_sum", x -> new QuantileLoss(0.25, Reduction.SUM).apply(x[0], x[1].add(0.05)), logits,
            targets),
        new LossCase("bce_with_logits", x -> new BceWithLogitsLoss().apply(x[0], x[1]), logits, targets),
        new LossCase("bce_with_logits_pos_weight", x -> new BceWithLogitsLoss(Reduction.MEAN,
            new float[] {3, 0.5f, 1.5f}).apply(x[0].reshape(4, 3), x[1].reshape(4, 3)), logits, targets),
        new LossCase("hinge", x -> new HingeLoss().apply(x[0].reshape(3, 3), labels(SCORE_LABELS)), SCORES),
        new LossCase("hinge_sum_margin",
            x -> new HingeLoss(0.5, Reduction.SUM).apply(x[0].reshape(3, 3), labels(SCORE_LABELS)), SCORES),
        new LossCase("l2_penalty", x -> L2Penalty.of(0.3, List.of(x[0], x[1])), logits, targets));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesCentralDifferences(LossCase c) {
    Tensor[] inputs = new Tensor[c.inputs().length];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = values(c.inputs()[i], c.inputs()[i].length);
    }
    GradCheck.Result r = GradCheck.check(c.f(), inputs);
    assertTrue(r.passed(GradCheck.TOLERANCE), c.name() + ": " + r);
  }

  @Test
  void crossEntropyGradientIsSoftmaxMinusOneHotOverBatch() {
    double[] z = {0.2, -1.0, 2.5, 1.1, 0.0, -0.3};
    try (Scope ignored = Scope.open()) {
      Tensor logits = values(z, 2, 3).requiresGrad(true);
      Tensor loss = new CrossEntropyLoss().apply(logits, labels(2, 0));
      loss.backward();
      double[] expected = new double[6];
      double expectedLoss = 0;
      int[] y = {2, 0};
      for (int r = 0; r < 2; r++) {
        double norm = Math.exp(z[3 * r]) + Math.exp(z[3 * r + 1]) + Math.exp(z[3 * r + 2]);
        for (int c = 0; c < 3; c++) {
          double p = Math.exp(z[3 * r + c]) / norm;
          expected[3 * r + c] = (p - (c == y[r] ? 1 : 0)) / 2;
        }
        expectedLoss += -Math.log(Math.exp(z[3 * r + y[r]]) / norm) / 2;
      }
      assertEquals(expectedLoss, loss.item(), EXACT);
      assertArrayEquals(expected, logits.grad().toDoubleArray(), EXACT);
      logits.setGrad(null);
    }
  }

  /**
   * PyTorch 1.13's cross_entropy(weight=[1, 2, 0.5]) in float64, values and gradients, with and without smoothing: the
   * mean divides by the weight of the batch's labels.
   */
  @Test
  void weightedCrossEntropyIsPyTorchs() {
    double[] z = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -0.5, 0.0, 0.5, 3.0, -2.0, 1.0};
    int[] y = {2, 0, 1, 1};
    Object[][] expected = {
        {Reduction.MEAN, 0.0, 2.3777378302680767, new double[] {0.01593549019454879, 0.0035556884791534044,
            -0.019491178673702193, -0.05119266524526093, 0.0374248370904821, 0.013767828154778821,
            0.06775408117303548, -0.25192876882963694, 0.18417468765660147, 0.3184002163865774, -0.3614909998538535,
            0.04309078346727623}},
        {Reduction.MEAN, 0.1, 2.3155570523110747, new double[] {0.011999616159882568, -0.008091431844838263,
            -0.00390818431504431, -0.0368943611811668, 0.025927372254111347, 0.010966988927055436,
            0.058870388396886277, -0.23234082770415967, 0.17347043930727338, 0.2990729346431973, -0.3373379657690339,
            0.03826503112583669}},
        {Reduction.SUM, 0.0, 13.077558066474422, new double[] {0.08764519607001835, 0.019556286635343725,
            -0.10720148270536206, -0.2815596588489351, 0.20583660399765155, 0.07572305485128351, 0.3726474464516951,
            -1.3856082285630031, 1.012960782111308, 1.7512011901261757, -1.9882004991961943, 0.23699930907001926}},
        {Reduction.SUM, 0.1, 12.73556378771091, new double[] {0.06599788887935412, -0.04450287514661044,
            -0.02149501373274369, -0.20291898649641738, 0.1426005473976124, 0.0603184390988049, 0.3237871361828745,
            -1.277874552372878, 0.9540874161900036, 1.644901140537585, -1.8553588117296864, 0.2104576711921018}},
    };
    for (Object[] c : expected) {
      try (Scope ignored = Scope.open()) {
        Tensor logits = values(z, 4, 3).requiresGrad(true);
        Tensor loss = new CrossEntropyLoss((Reduction) c[0], (double) c[1], new float[] {1, 2, 0.5f})
            .apply(logits, labels(y));
        loss.backward();
        assertEquals((double) c[2], loss.item(), EXACT, c[0] + " " + c[1]);
        assertArrayEquals((double[]) c[3], logits.grad().toDoubleArray(), EXACT, c[0] + " " + c[1]);
      }
    }
  }

  /** Weights of 1 are no weights: the composed loss equals the fused kernel's. */
  @Test
  void unitClassWeightsGiveTheUnweightedLoss() {
    double[] z = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -0.5, 0.0, 0.5};
    for (Reduction r : Reduction.values()) {
      try (Scope ignored = Scope.open()) {
        Tensor plain = values(z, 3, 3).requiresGrad(true);
        Tensor ones = values(z, 3, 3).requiresGrad(true);
        Tensor a = new CrossEntropyLoss(r, 0.1).apply(plain, labels(2, 0, 1));
        Tensor b = new CrossEntropyLoss(r, 0.1, new float[] {1, 1, 1}).apply(ones, labels(2, 0, 1));
        a.backward();
        b.backward();
        assertEquals(a.item(), b.item(), EXACT);
        assertArrayEquals(plain.grad().toDoubleArray(), ones.grad().toDoubleArray(), EXACT);
      }
    }
  }

  @Test
  void classWeightsAreCheckedInOneLine() {
    String[] messages = {
        assertThrows(IllegalArgumentException.class,
            () -> new CrossEntropyLoss(Reduction.MEAN, 0, new float[] {1, -1})).getMessage(),
        assertThrows(IllegalArgumentException.class,
            () -> new CrossEntropyLoss(Reduction.MEAN, 0, new float[] {1, Float.NaN})).getMessage(),
        assertThrows(IllegalArgumentException.class,
            () -> new CrossEntropyLoss(Reduction.MEAN, 0, new float[] {0, 0})).getMessage(),
    };
    assertEquals("cross-entropy: class weights must be finite and >= 0, got [1.0, -1.0]", messages[0]);
    assertEquals("cross-entropy: class weights must be finite and >= 0, got [1.0, NaN]", messages[1]);
    assertEquals("cross-entropy: class weights are all 0: no example would count", messages[2]);
    try (Scope ignored = Scope.open()) {
      CrossEntropyLoss three = new CrossEntropyLoss(Reduction.MEAN, 0, new float[] {1, 2, 3});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> three.apply(values(new double[] {1, 2, 3, 4}, 2, 2), labels(0, 1)));
      assertEquals("cross-entropy: 3 class weights for logits of 2 classes", e.getMessage());
    }
  }

  @Test
  void crossEntropySumIsBatchTimesMean() {
    try (Scope ignored = Scope.open()) {
      Tensor logits = values(new double[] {1, 2, 3, 3, 2, 1}, 2, 3);
      double mean = new CrossEntropyLoss().apply(logits, labels(0, 0)).item();
      assertEquals(2 * mean, new CrossEntropyLoss(Reduction.SUM, 0).apply(logits, labels(0, 0)).item(), EXACT);
    }
    assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(Reduction.MEAN, 1));
  }

  /**
   * PyTorch 1.13's HuberLoss and L1Loss in float64 on errors 0, 2, −1, 1.5: values, and gradients with an error at
   * the join (|d| = delta, gradient delta·sign) and one of 0 (gradient 0 for both).
   */
  @Test
  void huberAndL1ArePyTorchs() {
    try (Scope ignored = Scope.open()) {
      Tensor target = values(new double[] {1, 0, 4, 2.5}, 4);
      Tensor out = values(new double[] {1, 2, 3, 4}, 4).requiresGrad(true);
      assertEquals(0.75, new HuberLoss().apply(out, target).item(), EXACT);
      assertEquals(1.875, new HuberLoss(0.5, Reduction.SUM).apply(out, target).item(), EXACT);
      assertEquals(1.125, new L1Loss().apply(out, target).item(), EXACT);
      assertEquals(4.5, new L1Loss(Reduction.SUM).apply(out, target).item(), EXACT);
      new HuberLoss(1.5, Reduction.MEAN).apply(out, target).backward();
      assertArrayEquals(new double[] {0, 0.375, -0.25, 0.375}, out.grad().toDoubleArray(), EXACT);
      out.setGrad(null);
      new L1Loss().apply(out, target).backward();
      assertArrayEquals(new double[] {0, 0.25, -0.25, 0.25}, out.grad().toDoubleArray(), EXACT);
      out.setGrad(null);
      assertThrows(IllegalArgumentException.class, () -> new L1Loss().apply(out, values(new double[3], 3)));
    }
    for (double delta : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertEquals("huber: delta must be positive and finite, got " + delta,
          assertThrows(IllegalArgumentException.class, () -> new HuberLoss(delta, Reduction.MEAN)).getMessage());
    }
  }

  /**
   * The pinball loss on errors 0, −2, 1, −1.5 as PyTorch 1.13 computes it in float64 written as scikit-learn's
   * mean_pinball_loss (torch.where(e >= 0, q·e, (q − 1)·e), e = target − output): values, and gradients with the error
   * of 0 in the q branch (−q/n), as scikit-learn's sign puts it.
   */
  @Test
  void quantileIsThePinballLoss() {
    try (Scope ignored = Scope.open()) {
      Tensor target = values(new double[] {1, 0, 4, 2.5}, 4);
      Tensor out = values(new double[] {1, 2, 3, 4}, 4).requiresGrad(true);
      assertEquals(0.3125, new QuantileLoss(0.9).apply(out, target).item(), EXACT);
      assertEquals(2.875, new QuantileLoss(0.25, Reduction.SUM).apply(out, target).item(), EXACT);
      new QuantileLoss(0.9).apply(out, target).backward();
      assertArrayEquals(new double[] {-0.225, 0.025, -0.225, 0.025}, out.grad().toDoubleArray(), EXACT);
      out.setGrad(null);
      new QuantileLoss(0.25).apply(out, target).backward();
      assertArrayEquals(new double[] {-0.0625, 0.1875, -0.0625, 0.1875}, out.grad().toDoubleArray(), EXACT);
    }
    for (double q : new double[] {0, 1, -0.5, Double.NaN}) {
      assertEquals("quantile: q must be in (0, 1), got " + q,
          assertThrows(IllegalArgumentException.class, () -> new QuantileLoss(q)).getMessage());
    }
  }

  @Test
  void mseHandValues() {
    try (Scope ignored = Scope.open()) {
      Tensor out = values(new double[] {1, 2, 3, 4}, 2, 2);
      Tensor target = values(new double[] {1, 0, 4, 2}, 2, 2);
      assertEquals((0 + 4 + 1 + 4) / 4.0, new MseLoss().apply(out, target).item(), EXACT);
      assertEquals(9, new MseLoss(Reduction.SUM).apply(out, target).item(), EXACT);
      assertThrows(IllegalArgumentException.class, () -> new MseLoss().apply(out, values(new double[4], 4)));
    }
  }

  @Test
  void bceWithLogitsIsFiniteAndRightForHugeLogits() {
    try (Scope ignored = Scope.open()) {
      Tensor x = values(new double[] {1e4, -1e4, 1e4, -1e4, 0}, 5).requiresGrad(true);
      Tensor y = values(new double[] {1, 0, 0, 1, 1}, 5);
      Tensor loss = new BceWithLogitsLoss(Reduction.SUM).apply(x, y);
      // Right with certainty: 0. Wrong with certainty: |x|. Undecided: log 2.
      assertEquals(2e4 + Math.log(2), loss.item(), 1e-9);
      loss.backward();
      assertArrayEquals(new double[] {0, 0, 1, -1, -0.5}, x.grad().toDoubleArray(), EXACT); // σ(x) − y
      x.setGrad(null);
    }
  }

  /**
   * PyTorch 1.13's BCEWithLogitsLoss(pos_weight=[3, 0.5]) in float64 on logits 0, 2, −1, 1.5 and targets 1, 0, 1,
   * 0.25 (a soft one): the mean, the sum, and the mean's gradient, the logit of 0 at the kinks of |x|; a count of
   * weights other than the labels' is one line.
   */
  @Test
  void bceWithLogitsPositiveWeightsArePyTorchs() {
    try (Scope ignored = Scope.open()) {
      Tensor x = values(new double[] {0, 2, -1, 1.5}, 2, 2).requiresGrad(true);
      Tensor y = values(new double[] {1, 0, 1, 0.25}, 2, 2);
      float[] weights = {3, 0.5f};
      Tensor loss = new BceWithLogitsLoss(Reduction.MEAN, weights).apply(x, y);
      assertEquals(2.3618478083780965, loss.item(), 1e-12);
      assertEquals(9.447391233512386, new BceWithLogitsLoss(Reduction.SUM, weights).apply(x, y).item(), 1e-12);
      loss.backward();
      assertArrayEquals(new double[] {-0.375, 0.22019926949447058, -0.5482939339725037, 0.14759441666735956},
          x.grad().toDoubleArray(), 1e-12);
      assertEquals("bce_with_logits: 3 positive weights for logits of 2 labels", assertThrows(
          IllegalArgumentException.class, () -> new BceWithLogitsLoss(Reduction.MEAN, new float[3]).apply(x, y))
          .getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new BceWithLogitsLoss(Reduction.MEAN, new float[] {-1}));
  }

  @Test
  void hingeHandValues() {
    try (Scope ignored = Scope.open()) {
      Tensor scores = values(SCORES, 3, 3);
      assertEquals((2.9 + 0 + 12.9) / 3, new HingeLoss().apply(scores, labels(SCORE_LABELS)).item(), 1e-12);
      assertThrows(IllegalArgumentException.class, () -> new HingeLoss().apply(scores, labels(0, 3, 1)));
      assertThrows(IllegalArgumentException.class, () -> new HingeLoss(0, Reduction.MEAN));
    }
  }

  @Test
  void l2PenaltyIsLambdaTimesSumOfSquares() {
    try (Scope ignored = Scope.open()) {
      Tensor w1 = values(new double[] {1, -2}, 2);
      Tensor w2 = values(new double[] {3}, 1);
      assertEquals(0.1 * 14, L2Penalty.of(0.1, List.of(w1, w2)).item(), EXACT);
      assertThrows(IllegalArgumentException.class, () -> L2Penalty.of(-1, List.of(w1)));
    }
  }
}
