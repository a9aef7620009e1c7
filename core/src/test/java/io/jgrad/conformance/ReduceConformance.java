package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.ReduceOp;
import java.util.Arrays;

/** Reductions along every axis position, NaN propagation of max/argmax, and empty axes. */
public abstract class ReduceConformance extends KernelConformance {
  protected ReduceConformance(BackendConformanceTest suite) {
    super(suite);
  }

  private static final int[][] REDUCE_SHAPES = {
    {1, 1, 1}, {1, 1023, 1}, {7, 33, 1}, {3, 7, 33}, {33, 1, 7}, {1, 7, 33}
  };

  @EachFloatType
  void reduceEveryOpAlongEveryAxisPosition(DType dtype) {
    assumeSupported(dtype);
    for (ReduceOp op : ReduceOp.values()) {
      for (int[] s : REDUCE_SHAPES) {
        int outer = s[0];
        int n = s[1];
        int inner = s[2];
        double[] x = new double[outer * n * inner];
        for (int i = 0; i < x.length; i++) {
          x[i] = (rng.nextInt(9) - 4) * 0.5 + (op == ReduceOp.SUM ? rng.nextDouble() : 0); // ties for max/argmax
        }
        x = round(dtype, x);
        double[] expected = new double[outer * inner];
        double[] magnitude = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
          for (int in = 0; in < inner; in++) {
            expected[o * inner + in] = reduceReference(op, x, o * n * inner + in, n, inner);
            magnitude[o * inner + in] = reduceReference(ReduceOp.SUM, map(x, Math::abs), o * n * inner + in, n, inner);
          }
        }
        Buffer out = poisoned(dtype, outer * inner);
        backend.reduce(op, put(dtype, x), outer, n, inner, out);
        String what = "reduce " + op + " " + Arrays.toString(s);
        if (op == ReduceOp.MEAN) {
          magnitude = map(magnitude, v -> v / n);
        }
        tolerance().assertSumsClose(dtype, what, expected, magnitude, get(out));
      }
    }
  }

  /** As torch.max: a NaN beats every number, and the first NaN along the axis is the one reported. */
  @EachFloatType
  void maxAndArgmaxPropagateTheFirstNaN(DType dtype) {
    assumeSupported(dtype);
    double nan = Double.NaN;
    // Three rows of five, reduced along the rows: NaN in the middle (after a larger number), NaN first, no NaN.
    double[] x = {1, 4, nan, 3, nan, nan, 2, 9, nan, 0, 1, 4, 2, 4, 0};
    Buffer max = poisoned(dtype, 3);
    Buffer argmax = poisoned(dtype, 3);
    backend.reduce(ReduceOp.MAX, put(dtype, x), 3, 5, 1, max);
    backend.reduce(ReduceOp.ARGMAX, put(dtype, x), 3, 5, 1, argmax);
    double[] m = get(max);
    assertTrue(Double.isNaN(m[0]) && Double.isNaN(m[1]) && m[2] == 4, "max " + Arrays.toString(m));
    assertArrayEquals(new double[] {2, 0, 1}, get(argmax), "argmax");
  }

  /** As torch.empty(0, 3).mean(0) and .sum(0): the mean of nothing is 0/0 = NaN, the sum 0; max has no answer. */
  @EachFloatType
  void reduceOverAnEmptyAxis(DType dtype) {
    assumeSupported(dtype);
    Buffer x = backend.allocate(dtype, 0);
    Buffer mean = put(dtype, filled(3, 7)); // not NaN-poisoned: NaN is the answer here
    backend.reduce(ReduceOp.MEAN, x, 1, 0, 3, mean);
    assertArrayEquals(filled(3, Double.NaN), get(mean), "mean over an empty axis");
    Buffer sum = poisoned(dtype, 3);
    backend.reduce(ReduceOp.SUM, x, 1, 0, 3, sum);
    assertArrayEquals(filled(3, 0), get(sum), "sum over an empty axis");
    for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.ARGMAX}) {
      assertThrows(IllegalArgumentException.class, () -> backend.reduce(op, x, 1, 0, 3, sum), op + " of nothing");
    }
  }

  private static double reduceReference(ReduceOp op, double[] x, int start, int n, int stride) {
    double sum = 0;
    int best = 0;
    for (int j = 0; j < n; j++) {
      sum += x[start + j * stride];
      if (x[start + j * stride] > x[start + best * stride]) {
        best = j;
      }
    }
    switch (op) {
      case SUM:
        return sum;
      case MEAN:
        return sum / n;
      case MAX:
        return x[start + best * stride];
      case ARGMAX:
        return best;
      default:
        throw new AssertionError("reduceReference has no case for " + op);
    }
  }
}
