package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.spi.StepGuard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training step as one unit: multi-tensor sums of squares against float64, the step guard against {@link
 * StepGuard#apply} over a run of finite, clipped, non-finite and stopped steps, and the guarded multi-tensor
 * optimizer steps against the per-tensor kernels on pre-scaled gradients. Lists longer than a device launch takes
 * (more than 32 tensors) and tensors longer than a device chunk (4,096) are included.
 */
public abstract class TrainingStepConformance extends KernelConformance {
  /** Sizes of the tensors of one list: several device chunks, and odd sizes around them. */
  private static final int[] LIST_SIZES = {1, 7, 33, 1023, 4096, 4097, 70_001};
  /** A list longer than a device launch takes. */
  private static final int MANY = 40;

  protected TrainingStepConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @EachFloatType
  void sumsOfSquaresMatchTheDoubleReference(DType dtype) {
    assumeSupported(dtype);
    for (int[] sizes : new int[][] {LIST_SIZES, sequence(MANY)}) {
      List<Buffer> xs = new ArrayList<>();
      double[] expected = new double[sizes.length];
      double[] magnitude = new double[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        double[] x = values(dtype, sizes[i], -2, 2);
        for (double v : x) {
          expected[i] += v * v;
        }
        magnitude[i] = expected[i];
        xs.add(put(dtype, x));
      }
      DType out = dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
      Buffer sums = poisoned(out, sizes.length + 1);
      backend.sumsOfSquares(xs, sums);
      double[] got = get(sums);
      assertTrue(Double.isNaN(got[sizes.length]), "the element after the sums was written");
      double[] written = Arrays.copyOf(got, sizes.length);
      tolerance().assertSumsClose(out, "sumsOfSquares of " + sizes.length, expected, magnitude, written);
    }
  }

  /** Five layers' worth of sums (gradients 0–6 in layers 0, 0, 1, 1, 2, 3, 4); each row is one step. */
  @Test
  void stepGuardFollowsTheReferenceThroughSkipsAndAStop() {
    int[] layerOf = {0, 0, 1, 1, 2, 3, 4};
    int layers = 5;
    double inf = Double.POSITIVE_INFINITY;
    // {loss, sums...}: finite; finite and clipped; NaN loss; infinite sum; finite; then three bad in a row (stop);
    // then a finite one, which the stopped run must not apply.
    double[][] steps = {
      {0.75, 0.5, 0.25, 1, 2, 0.125, 3, 1e-20},
      {2.5, 100, 400, 9, 16, 25, 36, 49},
      {Double.NaN, 1, 1, 1, 1, 1, 1, 1},
      {1.5, 1, inf, 1, 1, 1, 1, 1},
      {0.5, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07},
      {inf, 1, 1, 1, 1, 1, 1, 1},
      {1.25, 1, 1, Double.NaN, 1, 1, 1, 1},
      {1.125, 1, 1, 1, 1, inf, 1, 1},
      {0.25, 1, 1, 1, 1, 1, 1, 1},
    };
    float[] reference = StepGuard.initial(layers, 7);
    Buffer state = put(DType.FLOAT32, toDoubles(reference));
    Buffer layerIndex = backend.allocate(DType.INT32, layerOf.length);
    backend.upload(layerIndex, layerOf);
    for (int s = 0; s < steps.length; s++) {
      double[] sums = Arrays.copyOfRange(steps[s], 1, steps[s].length);
      double maxNorm = 5;
      int examples = 32 + s;
      StepGuard.apply(reference, sums, layerOf, layers, steps[s][0], examples, maxNorm, 3);
      backend.stepGuard(put(DType.FLOAT32, sums), layerIndex, put(DType.FLOAT32, new double[] {steps[s][0]}),
          examples, maxNorm, 3, state);
      double[] got = get(state);
      for (int i = 0; i < reference.length; i++) {
        String what = "step " + s + ", state[" + i + "]";
        if (i == StepGuard.LOSS_SUM_LOW) { // the two halves together (a NaN loss makes the sum NaN, as on the host)
          assertSame(reference[StepGuard.LOSS_SUM] + (double) reference[StepGuard.LOSS_SUM_LOW],
              got[StepGuard.LOSS_SUM] + got[StepGuard.LOSS_SUM_LOW], what + " (the loss sum, both halves)");
        } else if (i != StepGuard.LOSS_SUM) {
          assertSame(reference[i], got[i], what);
        }
      }
    }
    float[] last = StepGuard.read(backend, state);
    assertEquals(1, last[StepGuard.STOPPED], "three skips in a row stopped the run");
    assertEquals(10, last[StepGuard.APPLIED_STEPS], "three steps applied after the 7 before");
  }

  /**
   * Under {@link Backend#deferChecks} a bad label is still reported, by the call (CPU) or by the next
   * read-back or the scope's end (a device), naming the row; the check is reset for the next launch.
   */
  @Test
  void aBadLabelUnderDeferredChecksIsReportedByTheNextReadBackOrTheScopesEnd() {
    Buffer logits = put(DType.FLOAT32, values(DType.FLOAT32, 12, -1, 1));
    Buffer bad = backend.allocate(DType.INT32, 4);
    backend.upload(bad, new int[] {0, 5, 1, 2});
    Buffer good = backend.allocate(DType.INT32, 4);
    backend.upload(good, new int[] {0, 2, 1, 2});
    Buffer probs = poisoned(DType.FLOAT32, 12);
    Buffer loss = poisoned(DType.FLOAT32, 4);
    try (Backend.DeferredChecks checks = backend.deferChecks()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        backend.softmaxCrossEntropy(logits, bad, 4, 3, 0, probs, loss);
        backend.download(loss, new float[4]);
      });
      String message = e.getMessage();
      assertTrue(message.startsWith("softmaxCrossEntropy: ") && message.contains("row 1 is outside [0, 3)"), message);
      backend.softmaxCrossEntropy(logits, good, 4, 3, 0, probs, loss);
      assertTrue(Double.isFinite(get(loss)[1]), "the good labels' loss, after the bad one was reported");
    }
    IllegalArgumentException atClose = assertThrows(IllegalArgumentException.class,
        () -> {
          try (Backend.DeferredChecks checks = backend.deferChecks()) {
            backend.softmaxCrossEntropy(logits, bad, 4, 3, 0, probs, loss);
          }
        });
    assertTrue(atClose.getMessage().contains("row 1 is outside [0, 3)"), atClose.getMessage());
    // Nested (an evaluation pass inside a fit): still reported once the inner scope has closed, by the call (CPU) or
    // by the outer scope's end (a device).
    IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
        () -> {
          try (Backend.DeferredChecks outer = backend.deferChecks()) {
            try (Backend.DeferredChecks inner = backend.deferChecks()) {
              backend.softmaxCrossEntropy(logits, good, 4, 3, 0, probs, loss);
            }
            backend.softmaxCrossEntropy(logits, bad, 4, 3, 0, probs, loss);
          }
        });
    assertTrue(nested.getMessage().contains("row 1 is outside [0, 3)"), nested.getMessage());
    backend.softmaxCrossEntropy(logits, good, 4, 3, 0, probs, loss);
    assertTrue(Double.isFinite(get(loss)[1]), "the good labels' loss after the nested scopes");
  }

  /** More layers than a device block has threads (350 layers of 2 gradients): a finite step, then a stopping one. */
  @Test
  void stepGuardCoversModelsOfManyLayers() {
    int count = 700;
    int layers = count / 2;
    int[] layerOf = new int[count];
    for (int p = 0; p < count; p++) {
      layerOf[p] = p / 2;
    }
    float[] reference = StepGuard.initial(layers, 0);
    Buffer state = put(DType.FLOAT32, toDoubles(reference));
    Buffer layerIndex = backend.allocate(DType.INT32, count);
    backend.upload(layerIndex, layerOf);
    for (int s = 0; s < 2; s++) {
      double[] sums = values(DType.FLOAT32, count, 0, 2);
      if (s == 1) {
        sums[651] = Double.NaN; // layer 325
      }
      StepGuard.apply(reference, sums, layerOf, layers, 0.5, 16, 1, 1);
      backend.stepGuard(put(DType.FLOAT32, sums), layerIndex, put(DType.FLOAT32, new double[] {0.5}), 16, 1, 1, state);
      double[] got = get(state);
      for (int i = 0; i < reference.length; i++) {
        assertSame(reference[i], got[i], "step " + s + ", state[" + i + "]");
      }
    }
  }

  @EachFloatType
  void guardedAdamStepsMatchThePerTensorStepsOnScaledGradients(DType dtype) {
    assumeSupported(dtype);
    for (boolean decoupled : new boolean[] {false, true}) {
      for (int[] sizes : new int[][] {LIST_SIZES, sequence(MANY)}) {
        Lists guarded = new Lists(dtype, sizes, 4);
        Lists reference = guarded.copy();
        // {apply, scale, the step the guard counts}: a clipped step, a skipped one, then two plain ones
        double[][] guards = {{1, 1, 1}, {1, 0.5, 2}, {0, 1, 2}, {1, 1, 3}};
        for (double[] g : guards) {
          List<Buffer> grads = guarded.gradients();
          List<Buffer> scaled = reference.scaledCopies(grads, g[1]);
          List<Buffer> copies = guarded.halfCopies();
          backend.adamSteps(guarded.list(0), copies, grads, guarded.list(1), guarded.list(2), 0.01, 0.9, 0.999, 1e-8,
              0.05, decoupled, guardState(g));
          guarded.assertCopiesAreTheRoundedParams(copies);
          if (g[0] != 0) {
            for (int i = 0; i < sizes.length; i++) {
              backend.adamStep(reference.at(0, i), null, scaled.get(i), reference.at(1, i), reference.at(2, i), 0.01,
                  0.9, 0.999, 1e-8, 0.05, decoupled, (long) g[2]);
            }
          }
          guarded.assertClose(reference, (decoupled ? "adamw" : "adam") + " guard " + Arrays.toString(g));
        }
      }
    }
  }

  @EachFloatType
  void guardedSgdStepsMatchThePerTensorStepsOnScaledGradients(DType dtype) {
    assumeSupported(dtype);
    // {momentum, dampening, weight decay, nesterov (0/1)}
    for (double[] h : new double[][] {{0, 0, 0.01, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0, 1}}) {
      boolean momentum = h[0] != 0;
      Lists guarded = new Lists(dtype, LIST_SIZES, momentum ? 2 : 1);
      Lists reference = guarded.copy();
      double[][] guards = {{1, 1, 1}, {0, 1, 1}, {1, 0.25, 2}, {1, 1, 3}};
      boolean first = true;
      for (double[] g : guards) {
        List<Buffer> grads = guarded.gradients();
        List<Buffer> scaled = reference.scaledCopies(grads, g[1]);
        List<Buffer> copies = guarded.halfCopies();
        backend.sgdSteps(guarded.list(0), copies, grads, momentum ? guarded.list(1) : null, 0.05, h[0], h[1], h[2],
            h[3] != 0, first, guardState(g));
        guarded.assertCopiesAreTheRoundedParams(copies);
        if (g[0] != 0) {
          for (int i = 0; i < LIST_SIZES.length; i++) {
            backend.sgdStep(reference.at(0, i), null, scaled.get(i), momentum ? reference.at(1, i) : null, 0.05, h[0],
                h[1], h[2], h[3] != 0, first);
          }
          first = false;
        }
        guarded.assertClose(reference, "sgd " + Arrays.toString(h) + " guard "
            + Arrays.toString(g));
      }
    }
  }

  /**
   * Moving-average steps against the formula in the buffers' precision, bit for bit (the difference, the product and
   * the sum each rounded, no fused multiply-add): an applied step, a skipped one (every average as it was), one
   * without a guard.
   */
  @EachFloatType
  void emaStepsFollowTheFormulaBitForBit(DType dtype) {
    assumeSupported(dtype);
    double weight = 1 - 0.99;
    List<Buffer> averages = new ArrayList<>();
    double[][] expected = new double[LIST_SIZES.length][];
    for (int i = 0; i < LIST_SIZES.length; i++) {
      expected[i] = values(dtype, LIST_SIZES[i], -1, 1);
      averages.add(put(dtype, expected[i]));
    }
    double[][] guards = {{1, 1, 1}, {0, 1, 1}, null};
    for (double[] g : guards) {
      List<Buffer> values = new ArrayList<>();
      double[][] v = new double[LIST_SIZES.length][];
      for (int i = 0; i < LIST_SIZES.length; i++) {
        v[i] = values(dtype, LIST_SIZES[i], -2, 2);
        values.add(put(dtype, v[i]));
      }
      backend.emaSteps(averages, values, weight, g == null ? null : guardState(g));
      for (int i = 0; i < LIST_SIZES.length; i++) {
        if (g == null || g[0] != 0) {
          for (int j = 0; j < v[i].length; j++) {
            expected[i][j] = lerp(dtype, expected[i][j], v[i][j], weight);
          }
        }
        assertArrayEquals(expected[i], get(averages.get(i)), "emaSteps of " + LIST_SIZES[i] + ", guard "
            + Arrays.toString(g));
      }
    }
  }

  /** a + (v − a)·w, each operation rounded to {@code dtype}. */
  private static double lerp(DType dtype, double a, double v, double w) {
    if (dtype == DType.FLOAT32) {
      return (float) a + ((float) v - (float) a) * (float) w;
    }
    return a + (v - a) * w;
  }

  /** Equal within 1e-6 relative, or both NaN (a kernel's NaN need not have Java's bits), or the same infinity. */
  private static void assertSame(double expected, double actual, String what) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      assertEquals(Double.isNaN(expected), Double.isNaN(actual), what + ": expected " + expected + ", got " + actual);
      if (!Double.isNaN(expected)) {
        assertEquals(expected, actual, what);
      }
      return;
    }
    assertEquals(expected, actual, 1e-6 * Math.abs(expected), what);
  }

  /** A guard state of no layers with this step's decision. */
  private Buffer guardState(double[] g) {
    float[] state = StepGuard.initial(0, 0);
    state[StepGuard.APPLY] = (float) g[0];
    state[StepGuard.SCALE] = (float) g[1];
    state[StepGuard.APPLIED_STEPS] = (float) g[2];
    return put(DType.FLOAT32, toDoubles(state));
  }

  /** Parameters and their optimizer state: {@code kinds} lists (param, then state) of tensors of the given sizes. */
  private final class Lists {
    private final DType dtype;
    private final int[] sizes;
    private final List<List<Buffer>> lists = new ArrayList<>();

    Lists(DType dtype, int[] sizes, int kinds) {
      this.dtype = dtype;
      this.sizes = sizes;
      for (int k = 0; k < kinds; k++) {
        List<Buffer> list = new ArrayList<>();
        for (int n : sizes) {
          list.add(put(dtype, k == 0 ? values(dtype, n, -1, 1) : new double[n]));
        }
        lists.add(list);
      }
    }

    private Lists(Lists other) {
      this.dtype = other.dtype;
      this.sizes = other.sizes;
      for (List<Buffer> list : other.lists) {
        List<Buffer> copy = new ArrayList<>();
        list.forEach(b -> copy.add(put(dtype, get(b))));
        lists.add(copy);
      }
    }

    Lists copy() {
      return new Lists(this);
    }

    List<Buffer> list(int kind) {
      return lists.get(kind);
    }

    Buffer at(int kind, int i) {
      return lists.get(kind).get(i);
    }

    List<Buffer> gradients() {
      List<Buffer> grads = new ArrayList<>();
      for (int n : sizes) {
        grads.add(put(dtype, values(dtype, n, -1, 1)));
      }
      return grads;
    }

    /** grad·scale as the host clipping computes it: the backend's own MUL_SCALAR, on copies. */
    List<Buffer> scaledCopies(List<Buffer> grads, double scale) {
      List<Buffer> scaled = new ArrayList<>();
      for (Buffer g : grads) {
        Buffer s = put(dtype, get(g));
        if (scale != 1) {
          backend.unary(UnaryOp.MUL_SCALAR, scale, s, s);
        }
        scaled.add(s);
      }
      return scaled;
    }

    /**
     * float16 copies of float32 params (as autocast keeps them: the params rounded) for the step to rewrite, one per
     * param but the first (a list may mix params with and without a copy); null for float64 params or where the
     * backend has no float16.
     */
    List<Buffer> halfCopies() {
      if (dtype != DType.FLOAT32 || !backend.supports(DType.FLOAT16)) {
        return null;
      }
      List<Buffer> copies = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        Buffer copy = i == 0 ? null : backend.allocate(DType.FLOAT16, sizes[i]);
        if (copy != null) {
          backend.cast(at(0, i), copy);
        }
        copies.add(copy);
      }
      return copies;
    }

    /** Each copy holds its param rounded to float16, bit for bit, whether or not the step was applied. */
    void assertCopiesAreTheRoundedParams(List<Buffer> copies) {
      if (copies == null) {
        return;
      }
      for (int i = 0; i < sizes.length; i++) {
        if (copies.get(i) == null) {
          continue;
        }
        short[] bits = new short[sizes[i]];
        backend.download(copies.get(i), bits);
        double[] param = get(at(0, i));
        for (int j = 0; j < bits.length; j++) {
          assertEquals(ReducedFloats.toBits(DType.FLOAT16, param[j]), bits[j], "copy of tensor " + i + " element " + j);
        }
      }
    }

    void assertClose(Lists expected, String what) {
      for (int k = 0; k < lists.size(); k++) {
        for (int i = 0; i < sizes.length; i++) {
          tolerance().assertClose(dtype, what + ", list " + k + " tensor " + i, get(expected.at(k, i)),
              get(at(k, i)));
        }
      }
    }
  }

  private static int[] sequence(int n) {
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = i + 1;
    }
    return sizes;
  }

  private static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
