package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import org.junit.jupiter.api.Test;

/** The fused softmax cross-entropy: forward, backward, label smoothing, huge and infinite logits, bad labels. */
public abstract class SoftmaxCrossEntropyConformance extends KernelConformance {
  protected SoftmaxCrossEntropyConformance(BackendConformanceTest suite) {
    super(suite);
  }

  private static final double SMOOTHING = 0.1;

  @EachFloatType
  void softmaxCrossEntropyForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (int[] rc : new int[][] {{1, 1}, {7, 33}, {3, 1023}, {33, 7}}) {
      for (double s : new double[] {0, SMOOTHING}) {
        double[] logits = values(dtype, rc[0] * rc[1], -5, 5);
        softmaxCase(dtype, rc[0], rc[1], s, logits, randomLabels(rc[0], rc[1]));
      }
    }
  }

  @EachFloatType
  void softmaxCrossEntropyIsStableForHugeLogits(DType dtype) {
    assumeSupported(dtype);
    int rows = 4;
    int cols = 7;
    double[] logits = new double[rows * cols];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (i % 3 == 0 ? 1e4 : -1e4) + i;
    }
    // Labels on the −1e4 logits: the loss is about 2e4, exp of the raw logits would overflow.
    softmaxCase(dtype, rows, cols, SMOOTHING, logits, new int[] {1, 2, 4, 5});
  }

  /**
   * As PyTorch: a −inf logit off the label gives a finite loss without smoothing (its log p is never read) and +inf
   * with it; its gradient is p − t, finite either way (0 without smoothing).
   */
  @EachFloatType
  void softmaxCrossEntropyWithAMinusInfinityLogitOffTheLabel(DType dtype) {
    assumeSupported(dtype);
    double inf = Double.NEGATIVE_INFINITY;
    double[] logits = {1, inf, 0.5, -2, inf, 3, 0.25, 0.5, inf}; // 3 rows of 3 classes
    for (double s : new double[] {0, SMOOTHING}) {
      softmaxCase(dtype, 3, 3, s, logits, new int[] {0, 2, 1});
    }
  }

  @Test
  void softmaxCrossEntropyRejectsBadLabelsNamingRowAndLabel() {
    Buffer logits = backend.allocate(DType.FLOAT32, 6 * 5);
    backend.fill(logits, 0);
    Buffer probs = backend.allocate(DType.FLOAT32, 6 * 5);
    Buffer loss = backend.allocate(DType.FLOAT32, 6);
    for (int bad : new int[] {5, -1, 1234}) {
      Buffer labels = backend.allocate(DType.INT32, 6);
      backend.upload(labels, new int[] {0, 1, 2, 3, bad, 4});
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> backend.softmaxCrossEntropy(logits, labels, 6, 5, 0, probs, loss),
              "label " + bad);
      assertTrue(e.getMessage().contains("4") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }

  /**
   * Many bad labels: forward and backward name the lowest bad row and its label, in the same words on every backend
   * (a GPU must not report whichever row got there first), and the next call with good labels succeeds.
   */
  @Test
  void softmaxCrossEntropyNamesTheLowestBadRow() {
    int rows = 1000;
    int cols = 5;
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = r < 123 ? r % cols : cols + r; // every row from 123 on is bad
    }
    Buffer labelBuffer = backend.allocate(DType.INT32, rows);
    backend.upload(labelBuffer, labels);
    Buffer logits = put(DType.FLOAT32, filled(rows * cols, 0));
    Buffer probs = poisoned(DType.FLOAT32, rows * cols);
    Buffer loss = poisoned(DType.FLOAT32, rows);
    IllegalArgumentException forward = assertThrows(IllegalArgumentException.class,
        () -> backend.softmaxCrossEntropy(logits, labelBuffer, rows, cols, 0, probs, loss));
    assertEquals("softmaxCrossEntropy: label 128 in row 123 is outside [0, 5)", forward.getMessage());
    Buffer dloss = put(DType.FLOAT32, filled(rows, 1));
    // Its own output: the CUDA kernels write the good rows (and NaN in the bad ones) before they report the error.
    Buffer dlogits = poisoned(DType.FLOAT32, rows * cols);
    IllegalArgumentException backward = assertThrows(IllegalArgumentException.class,
        () -> backend.softmaxCrossEntropyBackward(probs, labelBuffer, dloss, rows, cols, 0, dlogits));
    assertEquals("softmaxCrossEntropyBackward: label 128 in row 123 is outside [0, 5)", backward.getMessage());
    backend.upload(labelBuffer, new int[rows]);
    backend.softmaxCrossEntropy(logits, labelBuffer, rows, cols, 0, probs, loss);
    tolerance().assertClose(DType.FLOAT32, "loss after the error", filled(rows, Math.log(cols)), get(loss));
  }

  private void softmaxCase(DType dtype, int rows, int cols, double smoothing, double[] logits, int[] labels) {
    double[] probs = new double[rows * cols];
    double[] loss = new double[rows];
    double[] dloss = values(dtype, rows, 0.5, 2);
    double[] dlogits = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, logits[r * cols + c]);
      }
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += Math.exp(logits[r * cols + c] - max);
      }
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        double logP = logits[i] - max - Math.log(sum);
        double t = (c == labels[r] ? 1 - smoothing : 0) + smoothing / cols;
        probs[i] = Math.exp(logP);
        loss[r] -= t == 0 ? 0 : t * logP; // as PyTorch's nll_loss, which never reads log p off the target
        dlogits[i] = dloss[r] * (probs[i] - t);
      }
    }
    String what = "softmaxCrossEntropy " + rows + "x" + cols + " smoothing " + smoothing;
    Buffer labelBuffer = backend.allocate(DType.INT32, rows);
    backend.upload(labelBuffer, labels);
    Buffer p = poisoned(dtype, rows * cols);
    Buffer l = poisoned(dtype, rows);
    backend.softmaxCrossEntropy(put(dtype, logits), labelBuffer, rows, cols, smoothing, p, l);
    tolerance().assertClose(dtype, what + " probs", probs, get(p));
    tolerance().assertClose(dtype, what + " loss", loss, get(l));
    Buffer dz = poisoned(dtype, rows * cols);
    backend.softmaxCrossEntropyBackward(p, labelBuffer, put(dtype, dloss), rows, cols, smoothing, dz);
    tolerance().assertClose(dtype, what + " backward", dlogits, get(dz));
  }

  private int[] randomLabels(int rows, int cols) {
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = rng.nextInt(cols);
    }
    return labels;
  }
}
