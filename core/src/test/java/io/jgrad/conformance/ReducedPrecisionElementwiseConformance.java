package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.internal.Philox;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.ReduceOp;
import io.jgrad.spi.ReducedFloats;

/**
 * The 16-bit element-wise kernels (unary and its backward, binary, bias+activation), reductions and random, computed
 * in float32 and rounded once. Tolerances as in {@link ReducedPrecisionConformance}.
 */
public abstract class ReducedPrecisionElementwiseConformance extends ReducedPrecisionConformance {
  protected ReducedPrecisionElementwiseConformance(BackendConformanceTest suite) {
    super(suite);
  }

  // ---- element-wise ----

  @Each16BitType
  void unaryForwardAndBackwardAgainstTheTable(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      UnaryCase row = tableRow(op);
      for (int n : SIZES) {
        double[] x = awayFromKinks16(dtype, n, row.low(), row.high(), row.kinks());
        Buffer out = poisoned(dtype, n);
        backend.unary(op, row.alpha(), put(dtype, x), out);
        double[] fx = map(x, row);
        assertClose(dtype, op + " forward n=" + n, fx, get(out));
        if (row.derivative() == null) {
          continue;
        }
        double[] dy = values(dtype, n, -2, 2);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = dy[i] * row.derivative().applyAsDouble(x[i]);
        }
        double[] y = round(dtype, fx);
        Buffer saved = switch (op.saves()) {
          case INPUT -> put(dtype, x);
          case OUTPUT -> put(dtype, y);
          case NOTHING -> null;
        };
        double[] got = backward(op, row.alpha(), saved, dtype, dy);
        for (int i = 0; i < n; i++) {
          double slack = op.saves() == UnaryOp.Saves.OUTPUT
              ? fromOutputSlack(dtype, expected[i], dy[i], y[i])
              : slack(dtype, expected[i]);
          check(op + " backward n=" + n, i, expected[i], got[i], slack);
        }
      }
    }
  }

  private double[] backward(UnaryOp op, double alpha, Buffer saved, DType dtype, double[] dy) {
    Buffer dx = put(dtype, dy); // in place: dx = dy
    backend.unaryBackward(op, alpha, saved, dx, dx);
    return get(dx);
  }

  @Each16BitType
  void binaryWithBroadcastingAndInPlace(DType dtype) {
    assumeSupported(dtype);
    Shape[][] pairs = {
      {Shape.of(1023), Shape.of(1023)}, {Shape.of(7, 33), Shape.of(33)}, {Shape.of(7, 1), Shape.of(1, 33)},
      {Shape.scalar(), Shape.of(7, 33)}
    };
    for (BinaryOp op : BinaryOp.values()) {
      for (Shape[] pair : pairs) {
        Shape out = Shape.broadcast("test", pair[0], pair[1]);
        double[] a = values(dtype, (int) pair[0].size(), op == BinaryOp.POW ? 0.25 : -3, 3);
        double[] b = values(dtype, (int) pair[1].size(), op == BinaryOp.DIV ? 0.5 : -3, 3);
        double[] expected = new double[(int) out.size()];
        int[] dims = out.dims();
        for (int o = 0; o < expected.length; o++) {
          double x = a[broadcastIndex(o, dims, pair[0].dims())];
          double y = b[broadcastIndex(o, dims, pair[1].dims())];
          expected[o] = switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case POW -> Math.pow(x, y);
            case EQ -> x == y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
          };
        }
        Buffer o = poisoned(dtype, expected.length);
        backend.binary(op, put(dtype, a), pair[0], put(dtype, b), pair[1], o, out);
        assertClose(dtype, "binary " + op + " " + pair[0] + " with " + pair[1], expected, get(o));
        if (pair[0].equals(out)) {
          Buffer inPlace = put(dtype, a);
          backend.binary(op, inPlace, pair[0], put(dtype, b), pair[1], inPlace, out);
          assertClose(dtype, "binary " + op + " in place", expected, get(inPlace));
        }
      }
    }
  }

  @Each16BitType
  void biasActivationForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    UnaryOp[] fused = {UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.ELU, UnaryOp.SIGMOID, UnaryOp.TANH};
    for (UnaryOp act : fused) {
      UnaryCase row = tableRow(act);
      for (int[] rc : new int[][] {{1, 1}, {7, 33}, {1, 1023}, {65, 129}}) {
        int rows = rc[0];
        int cols = rc[1];
        double[] bias = values(dtype, cols, -1, 1);
        double[] x = values(dtype, rows * cols, -3, 3);
        double[] pre = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          // x + bias is computed in float32 and may be rounded; keep it off the kinks.
          while (!farFromKinks(x[i] + bias[i % cols], row.kinks())) {
            x[i] = round(dtype, x[i] + 0.05);
          }
          pre[i] = x[i] + bias[i % cols];
        }
        String what = act + " " + rows + "x" + cols;
        Buffer y = poisoned(dtype, x.length);
        backend.biasActivation(act, row.alpha(), put(dtype, x), put(dtype, bias), y, rows, cols);
        double[] fy = map(pre, row);
        assertClose(dtype, "biasActivation " + what, fy, get(y));

        double[] dy = values(dtype, x.length, -1, 1);
        double[] dx = new double[x.length];
        double[] dbias = new double[cols];
        double[] magnitude = new double[cols];
        for (int i = 0; i < dx.length; i++) {
          dx[i] = dy[i] * row.derivative().applyAsDouble(pre[i]);
          dbias[i % cols] += dx[i];
          magnitude[i % cols] += Math.abs(dx[i]);
        }
        double[] yRounded = round(dtype, fy);
        Buffer dxOut = poisoned(dtype, x.length);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationBackward(act, row.alpha(), put(dtype, yRounded), put(dtype, dy), dxOut, dbiasOut, rows,
            cols);
        double[] gotDx = get(dxOut);
        double[] dbiasSlack = new double[cols];
        for (int i = 0; i < dx.length; i++) {
          double slack = fromOutputSlack(dtype, dx[i], dy[i], yRounded[i]);
          check("biasActivationBackward dx " + what, i, dx[i], gotDx[i], slack);
          dbiasSlack[i % cols] += slack; // each term may be off by its dx's slack before the float32 sum
        }
        double[] gotBias = get(dbiasOut);
        for (int c = 0; c < cols; c++) {
          double slack = dbiasSlack[c] + FLOAT32_SUM_REL * magnitude[c] + unit(dtype) * Math.abs(dbias[c]);
          check("biasActivationBackward dbias " + what, c, dbias[c], gotBias[c], slack);
        }
      }
    }
  }

  // ---- reductions and random ----

  @Each16BitType
  void reduceAccumulatesInFloat32(DType dtype) {
    assumeSupported(dtype);
    for (int[] s : new int[][] {{1, 1, 1}, {1, 1023, 1}, {7, 33, 1}, {3, 7, 33}, {1, 7, 33}}) {
      int outer = s[0];
      int n = s[1];
      int inner = s[2];
      double[] x = values(dtype, outer * n * inner, -2, 2);
      for (ReduceOp op : ReduceOp.values()) {
        double[] expected = new double[outer * inner];
        double[] magnitude = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
          for (int in = 0; in < inner; in++) {
            double sum = 0;
            double abs = 0;
            int best = 0;
            for (int j = 0; j < n; j++) {
              double v = x[(o * n + j) * inner + in];
              sum += v;
              abs += Math.abs(v);
              best = v > x[(o * n + best) * inner + in] ? j : best;
            }
            expected[o * inner + in] = switch (op) {
              case SUM -> sum;
              case MEAN -> sum / n;
              case MAX -> x[(o * n + best) * inner + in];
              case ARGMAX -> best;
            };
            magnitude[o * inner + in] = op == ReduceOp.MEAN ? abs / n : abs;
          }
        }
        Buffer out = poisoned(dtype, outer * inner);
        backend.reduce(op, put(dtype, x), outer, n, inner, out);
        double[] got = get(out);
        for (int i = 0; i < got.length; i++) {
          double slack = op == ReduceOp.SUM || op == ReduceOp.MEAN
              ? ABS + FLOAT32_SUM_REL * magnitude[i] + unit(dtype) * Math.abs(expected[i])
              : ReducedFloats.round(dtype, expected[i]) == expected[i] ? 0 : unit(dtype) * Math.abs(expected[i]);
          check("reduce " + op + " " + s[0] + "x" + s[1] + "x" + s[2], i, expected[i], got[i], slack);
        }
      }
    }
  }

  @Each16BitType
  void randomIsPhiloxRoundedOnce(DType dtype) {
    assumeSupported(dtype);
    for (Distribution dist : Distribution.values()) {
      for (int n : SIZES) {
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = Philox.sample(dist, -1, 2, SEED, 9 + i);
        }
        Buffer out = poisoned(dtype, n);
        backend.random(dist, -1, 2, SEED, 9, out);
        // Philox's transform may run in float32 before the rounding (a few float32 ulps), then one rounding.
        assertClose(dtype, dist + " n=" + n, expected, get(out));
      }
    }
  }

  // ---- helpers ----

  /**
   * The slack of dx = dy·f'(x) computed from the saved 16-bit output y, itself off by u·|y| from f(x): every fused
   * activation's f'(y) (y(1 − y), 1 − y², y + α, y, 1) moves by at most 2·(1 + |y|) times that, so dx by
   * 2u·|dy|·(1 + |y|) on top of its own rounding. Sigmoid near saturation needs it: y rounds to 1, f'(y) to 0.
   */
  private static double fromOutputSlack(DType dtype, double expected, double dy, double y) {
    return slack(dtype, expected) + 2 * unit(dtype) * Math.abs(dy) * (1 + Math.abs(y));
  }

  private static void assertClose(DType dtype, String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      check(what, i, expected[i], actual[i], slack(dtype, expected[i]));
    }
  }

  /** Like {@link #values}, 1/64 away from each kink (see {@link #farFromKinks}). */
  private double[] awayFromKinks16(DType dtype, int n, double low, double high, double[] kinks) {
    double[] v = values(dtype, n, low, high);
    for (int i = 0; i < n; i++) {
      while (!farFromKinks(v[i], kinks)) {
        v[i] = round(dtype, low + (high - low) * rng.nextDouble());
      }
    }
    return v;
  }

  /** 16-bit inputs sit on a coarse grid: keep 1/64 away from kinks so float32 rounding cannot cross one. */
  private static boolean farFromKinks(double x, double[] kinks) {
    for (double k : kinks) {
      if (Math.abs(x - k) < 1.0 / 64) {
        return false;
      }
    }
    return true;
  }

  private static double[] map(double[] x, UnaryCase row) {
    return map(x, row.function());
  }

  private static int broadcastIndex(int o, int[] out, int[] from) {
    int[] coord = new int[out.length];
    for (int d = out.length - 1, rest = o; d >= 0; d--) {
      coord[d] = rest % out[d];
      rest /= out[d];
    }
    int index = 0;
    int shift = out.length - from.length;
    for (int d = 0; d < from.length; d++) {
      index = index * from[d] + (from[d] == 1 ? 0 : coord[d + shift]);
    }
    return index;
  }
}
