package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.Transposed;

/**
 * The 16-bit memory, cast and GEMM kernels: every bit pattern through upload, download, copy and cast; GEMM with 16-bit
 * A and B accumulating in float32 into a float32 or a 16-bit C. Tolerances as in {@link ReducedPrecisionConformance}.
 */
public abstract class ReducedPrecisionMemoryConformance extends ReducedPrecisionConformance {
  protected ReducedPrecisionMemoryConformance(BackendConformanceTest suite) {
    super(suite);
  }

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
        () -> backend.gemm(GemmArgs.of(2, 2, 2, a, b32, c)), "A 16-bit, B float32");
    assertThrows(IllegalArgumentException.class,
        () -> backend.gemm(GemmArgs.of(2, 2, 2, b32, b32, backend.allocate(dtype, 4))),
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
    backend.gemm(GemmArgs.of(m, n, k, put(dtype, a), put(dtype, b), c)
        .transposed(Transposed.of(ta, tb))
        .batched(batch, (long) m * k, (long) k * n, (long) m * n)
        .scaled(alpha, beta));
    double[] got = get(c);
    String what = String.format("gemm %s %s→%s %s%s batch %d %dx%dx%d", dtype.label(), dtype.label(), cType.label(),
        ta ? "T" : "N", tb ? "T" : "N", batch, m, n, k);
    for (int i = 0; i < got.length; i++) {
      check(what, i, expected[i], got[i], ABS + FLOAT32_SUM_REL * magnitude[i] + unit(cType) * Math.abs(expected[i]));
    }
  }

  // ---- helpers ----

  /** Equal bit patterns, except that any NaN matches any NaN. */
  private static void assertSameValue(DType dtype, short expected, short actual, String what) {
    boolean nan = Float.isNaN(ReducedFloats.fromBits(dtype, expected));
    if (nan ? !Float.isNaN(ReducedFloats.fromBits(dtype, actual)) : expected != actual) {
      fail(what + ": bits " + Integer.toHexString(actual & 0xFFFF) + ", expected "
          + Integer.toHexString(expected & 0xFFFF));
    }
  }

  private short[] bits(Buffer b) {
    short[] out = new short[(int) b.length()];
    backend.download(b, out);
    return out;
  }
}
