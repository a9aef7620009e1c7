package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.BinaryOp;
import io.jgrad.Buffer;
import io.jgrad.DType;
import io.jgrad.Distribution;
import io.jgrad.Philox;
import io.jgrad.ReduceOp;
import io.jgrad.ReducedFloats;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 16-bit family of the conformance suite: every kernel the {@link Backend} contract opens to BFLOAT16 and FLOAT16
 * (memory, cast, GEMM with a float32 or 16-bit C, unary and its backward, binary, bias+activation, reductions,
 * random) against the float64 reference, on inputs that are exact 16-bit values, at odd sizes, outputs poisoned with
 * NaN. Dtypes the backend does not {@link Backend#supports support} skip.
 *
 * <p>Tolerances (see {@link #slack}): a 16-bit result is rounded once, so it may be off by the unit roundoff u
 * (2⁻⁸ for bfloat16, 2⁻¹¹ for float16) of its value, plus the float32 math before it (2e-5 relative). Sums are
 * held to float32's 3e-5·Σ|terms| plus that one rounding: a kernel that accumulated in 16 bits fails the long ones.
 */
public abstract class ReducedPrecisionConformance extends KernelConformance {
  /** Float32 math before the final rounding: transcendental functions a few ulps off, sums reordered. */
  private static final double FLOAT32_REL = 2e-5;
  private static final double FLOAT32_SUM_REL = 3e-5;
  private static final double ABS = 1e-6;

  protected ReducedPrecisionConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
  @interface Each16BitType {}

  // ---- memory ----

  @Each16BitType
  void bitsRoundTripAndCopyFillKeepEveryPattern(DType dtype) {
    assumeSupported(dtype);
    short[] all = new short[1 << 16];
    for (int i = 0; i < all.length; i++) {
      all[i] = (short) i;
    }
    Buffer b = backend.allocate(dtype, all.length);
    backend.upload(b, all);
    short[] back = new short[all.length];
    backend.download(b, back);
    assertArrayEquals(all, back, "every 16-bit pattern, NaN payloads included, round trips");
    Buffer dst = backend.allocate(dtype, 40);
    backend.fill(dst, Double.NaN);
    backend.copy(b, 0x3C00, dst, 3, 33);
    short[] copied = new short[40];
    backend.download(dst, copied);
    for (int i = 0; i < 33; i++) {
      assertEquals(all[0x3C00 + i], copied[3 + i], "copied pattern " + i);
    }
    backend.fill(dst, 1.0 + 0x1p-9);
    backend.download(dst, copied);
    assertEquals(ReducedFloats.toBits(dtype, 1.0 + 0x1p-9), copied[39], "fill rounds its value to the dtype");
    assertThrows(IllegalArgumentException.class, () -> backend.upload(backend.allocate(DType.FLOAT32, 2),
        new short[2]), "16-bit patterns into a float32 buffer");
  }

  @Each16BitType
  void floatUploadsRoundAndDownloadsWidenExactly(DType dtype) {
    assumeSupported(dtype);
    for (int n : SIZES) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = (rng.nextDouble() - 0.5) * 1e3;
      }
      Buffer b = backend.allocate(dtype, n);
      backend.upload(b, x);
      double[] expected = new double[n];
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        expected[i] = ReducedFloats.round(dtype, x[i]);
        f[i] = (float) x[i];
      }
      assertArrayEquals(expected, get(b), "double[] upload rounds through float32, n=" + n);
      backend.upload(b, f);
      assertArrayEquals(expected, get(b), "float[] upload rounds, n=" + n);
    }
  }

  // ---- cast ----

  private static final float[] SPECIAL = {
    0f, -0f, 1f, -1f, Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000), 1 + 0x1p-11f,
    1 + 0x3p-12f, 65504f, 65519.996f, 65520f, -65520f, 1e5f, 0x1p-24f, 0x1p-25f, 0x3p-25f, 1e-30f, -1e-30f,
    Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
    3.14159265f, -2.71828182f, 1e-8f, 6e-5f
  };

  @Each16BitType
  void castFromFloat32AndFloat64RoundsToNearestEvenKeepingNanAndInfinity(DType dtype) {
    assumeSupported(dtype);
    float[] x = new float[SPECIAL.length + 1000];
    System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
    for (int i = SPECIAL.length; i < x.length; i++) {
      x[i] = Float.intBitsToFloat(rng.nextInt()); // every exponent, NaNs included
    }
    Buffer f32 = backend.allocate(DType.FLOAT32, x.length);
    backend.upload(f32, x);
    Buffer out = poisoned(dtype, x.length);
    backend.cast(f32, out);
    short[] bits = bits(out);
    for (int i = 0; i < x.length; i++) {
      assertSameValue(dtype, ReducedFloats.toBits(dtype, x[i]), bits[i], "cast float32 " + x[i] + " (" + i + ")");
    }
    double[] d = new double[x.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = x[i] + (i % 3 - 1) * Math.ulp(x[i]) / 4; // off float32's grid: the double is rounded to float32 first
    }
    Buffer f64 = backend.supports(DType.FLOAT64) ? backend.allocate(DType.FLOAT64, d.length) : null;
    if (f64 != null) {
      backend.upload(f64, d);
      Buffer out64 = poisoned(dtype, d.length);
      backend.cast(f64, out64);
      short[] bits64 = bits(out64);
      for (int i = 0; i < d.length; i++) {
        assertSameValue(dtype, ReducedFloats.toBits(dtype, d[i]), bits64[i], "cast float64 " + d[i] + " (" + i + ")");
      }
    }
  }

  @Each16BitType
  void castToWiderTypesIsExactAndBetween16BitTypesRoundsOnce(DType dtype) {
    assumeSupported(dtype);
    short[] all = new short[1 << 16];
    for (int i = 0; i < all.length; i++) {
      all[i] = (short) i;
    }
    Buffer src = backend.allocate(dtype, all.length);
    backend.upload(src, all);
    Buffer f32 = poisoned(DType.FLOAT32, all.length);
    backend.cast(src, f32);
    float[] wide = new float[all.length];
    backend.download(f32, wide);
    for (int i = 0; i < all.length; i++) {
      float expected = ReducedFloats.fromBits(dtype, all[i]);
      assertTrue(Float.compare(expected, wide[i]) == 0 || Float.isNaN(expected) && Float.isNaN(wide[i]),
          dtype + " pattern " + Integer.toHexString(i) + " to float32: " + wide[i] + ", expected " + expected);
    }
    DType other = dtype == DType.BFLOAT16 ? DType.FLOAT16 : DType.BFLOAT16;
    if (backend.supports(other)) {
      Buffer converted = poisoned(other, all.length);
      backend.cast(src, converted);
      short[] got = bits(converted);
      for (int i = 0; i < all.length; i++) {
        short expected = ReducedFloats.toBits(other, ReducedFloats.fromBits(dtype, all[i]));
        assertSameValue(other, expected, got[i], dtype + " pattern " + Integer.toHexString(i) + " to " + other);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> backend.cast(src, backend.allocate(DType.FLOAT32, 3)),
        "cast between different lengths");
  }

  // ---- GEMM: 16-bit A and B, float32 accumulation ----

  private static final int[][] GEMM_SHAPES = {
    {1, 1, 1}, {7, 33, 1}, {1, 7, 33}, {33, 7, 65}, {5, 3, 1023}, {17, 31, 600}, {129, 257, 65}
  };

  @Each16BitType
  void gemmWithAFloat32CAccumulatesInFloat32(DType dtype) {
    assumeSupported(dtype);
    for (int[] s : shapes()) {
      for (int t = 0; t < 4; t++) {
        gemmCase(dtype, DType.FLOAT32, (t & 1) != 0, (t & 2) != 0, 1, s[0], s[1], s[2], 1.0, 0.0);
      }
    }
    gemmCase(dtype, DType.FLOAT32, false, true, 3, 7, 33, 65, 0.5, -0.75);
  }

  @Each16BitType
  void gemmWithA16BitCRoundsOnce(DType dtype) {
    assumeSupported(dtype);
    for (int[] s : shapes()) {
      for (int t = 0; t < 4; t++) {
        gemmCase(dtype, dtype, (t & 1) != 0, (t & 2) != 0, 1, s[0], s[1], s[2], 1.0, 0.0);
      }
    }
    gemmCase(dtype, dtype, true, false, 3, 7, 33, 65, 0.5, -0.75);
  }

  @Each16BitType
  void gemmRefusesMixedInputTypes(DType dtype) {
    assumeSupported(dtype);
    Buffer a = backend.allocate(dtype, 4);
    Buffer b32 = backend.allocate(DType.FLOAT32, 4);
    Buffer c = backend.allocate(DType.FLOAT32, 4);
    assertThrows(IllegalArgumentException.class,
        () -> backend.gemm(false, false, 1, 2, 2, 2, 1, a, 0, b32, 0, 0, c, 0), "A 16-bit, B float32");
    assertThrows(IllegalArgumentException.class,
        () -> backend.gemm(false, false, 1, 2, 2, 2, 1, b32, 0, b32, 0, 0, backend.allocate(dtype, 4), 0),
        "float32 A and B into a 16-bit C");
  }

  private int[][] shapes() {
    int[][] edges = suite.edgeGemmShapes();
    int[][] all = new int[GEMM_SHAPES.length + edges.length][];
    System.arraycopy(GEMM_SHAPES, 0, all, 0, GEMM_SHAPES.length);
    System.arraycopy(edges, 0, all, GEMM_SHAPES.length, edges.length);
    return all;
  }

  private void gemmCase(
      DType dtype, DType cType, boolean ta, boolean tb, int batch, int m, int n, int k, double alpha, double beta) {
    double[] a = values(dtype, batch * m * k, -1, 1);
    double[] b = values(dtype, batch * k * n, -1, 1);
    double[] c0 = beta == 0 ? filled(batch * m * n, Double.NaN) : values(cType, batch * m * n, -1, 1);
    double[] expected = new double[c0.length];
    double[] magnitude = new double[c0.length];
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            double x = a[bi * m * k + (ta ? p * m + i : i * k + p)];
            double y = b[bi * k * n + (tb ? j * k + p : p * n + j)];
            sum += x * y;
            abs += Math.abs(x * y);
          }
          int ij = bi * m * n + i * n + j;
          double old = beta == 0 ? 0 : beta * c0[ij];
          expected[ij] = alpha * sum + old;
          magnitude[ij] = Math.abs(alpha) * abs + Math.abs(old);
        }
      }
    }
    Buffer c = put(cType, c0);
    backend.gemm(ta, tb, batch, m, n, k, alpha, put(dtype, a), (long) m * k, put(dtype, b), (long) k * n, beta, c,
        (long) m * n);
    double[] got = get(c);
    String what = String.format("gemm %s %s→%s %s%s batch %d %dx%dx%d", dtype.label(), dtype.label(), cType.label(),
        ta ? "T" : "N", tb ? "T" : "N", batch, m, n, k);
    for (int i = 0; i < got.length; i++) {
      check(what, i, expected[i], got[i], ABS + FLOAT32_SUM_REL * magnitude[i] + unit(cType) * Math.abs(expected[i]));
    }
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

  /** The unit roundoff of a result stored in {@code dtype}: half its spacing, relative. */
  private static double unit(DType dtype) {
    return switch (dtype) {
      case BFLOAT16 -> 0x1p-8;
      case FLOAT16 -> 0x1p-11;
      case FLOAT32 -> 0x1p-24;
      default -> 0;
    };
  }

  /** Element-wise slack: ABS + (u + float32 math)·|expected| for a result computed in float32 and rounded once. */
  private static double slack(DType dtype, double expected) {
    return ABS + (unit(dtype) + FLOAT32_REL) * Math.abs(expected);
  }

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

  private static void check(String what, int i, double expected, double actual, double slack) {
    boolean ok =
        Double.isNaN(expected) ? Double.isNaN(actual) : expected == actual || Math.abs(actual - expected) <= slack;
    if (!ok) {
      fail(what + ": element " + i + " is " + actual + ", expected " + expected + " (slack " + slack + ")");
    }
  }

  /** Equal bit patterns, except that any NaN matches any NaN. */
  private static void assertSameValue(DType dtype, short expected, short actual, String what) {
    boolean nan = Float.isNaN(ReducedFloats.fromBits(dtype, expected));
    if (nan ? !Float.isNaN(ReducedFloats.fromBits(dtype, actual)) : expected != actual) {
      fail(what + ": bits " + Integer.toHexString(actual & 0xFFFF) + ", expected "
          + Integer.toHexString(expected & 0xFFFF));
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

  private short[] bits(Buffer b) {
    short[] out = new short[(int) b.length()];
    backend.download(b, out);
    return out;
  }
}
