package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.Transposed;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * alpha and beta on the multithreaded GEMM paths, against the reference loops: the conformance suite checks alpha and
 * beta on a shape small enough to run on one thread, and C is scaled by beta in a different place on each path. The
 * shapes: tall (A and B packed whole), wide with a small A (A shared: one K block, ragged edges everywhere, and two
 * K blocks at either K block size, 1024 or 2048), and wide with an A too long to share. Spans of a product too large
 * to pack whole: the second test. The build runs this class a second time with 256-bit vectors, so that both
 * micro-kernels (8 rows for 512-bit vectors, 6 for narrower ones) are checked on a machine with AVX-512.
 */
class VectorGemmTest {
  /** Sums of at most 2,900 products of values in [−1, 1]: float32 rounding stays far below this, a wrong index not. */
  private static final float TOLERANCE = 2e-3f;

  @Test
  void alphaAndBetaOnTheTallAndWidePaths() {
    Random rng = new Random(5);
    try (Backend fast = new CpuBackend(BackendOptions.defaults().withThreads(2));
        Backend reference = new CpuScalarBackend()) {
      int[][] shapes = {{385, 200, 300}, {300, 1030, 20}, {130, 333, 700}, {97, 600, 1025}, {40, 500, 2900},
          {60, 300, 2500}};
      for (int[] s : shapes) {
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          float[] a = random(rng, s[0] * s[2]);
          float[] b = random(rng, s[2] * s[1]);
          float[] c = random(rng, s[0] * s[1]);
          float[] expected = run(reference, ta, tb, s, a, b, c);
          float[] actual = run(fast, ta, tb, s, a, b, c);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, "C[" + i + "] of " + (ta ? "T" : "N") + (tb ? "T" : "N"));
          }
        }
      }
    }
  }

  /**
   * With its packed buffers capped small, the general path splits every product into spans of rows, columns and K
   * (9 × 7 × 1, 3 × 3 × 3 and, wide C with an A too long to share, 8 × 13 × 1 here): each span must pack its own part
   * of A and B, and only the first span of K may scale C by beta or, when beta = 0, store into it.
   */
  @Test
  void spansOfRowsColumnsAndKMatchTheTripleLoop() {
    Random rng = new Random(6);
    try (WorkerTeam team = new WorkerTeam(2)) {
      assertMatchesTripleLoop(new VectorGemm(team, 20_000), rng);
    }
  }

  /**
   * An A packed once (a convolution's weights over a batch) gives exactly the products of packing it in each call, on
   * every path: one thread, A shared by two threads (three K blocks), and spans of K with the buffers capped small.
   */
  @Test
  void anAPackedOnceGivesTheSameProducts() {
    Random rng = new Random(7);
    try (WorkerTeam two = new WorkerTeam(2); WorkerTeam one = new WorkerTeam(1)) {
      for (VectorGemm gemm : new VectorGemm[] {new VectorGemm(one), new VectorGemm(two), new VectorGemm(two, 20_000)}) {
        for (int[] s : new int[][] {{64, 196, 288}, {289, 196, 64}, {50, 900, 2100}, {130, 333, 700}}) {
          for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] perCall = random(rng, m * n);
            float[] packedOnce = perCall.clone();
            gemm.gemm(ta, tb, m, n, k, 1.5f, a, 0, b, 0, -0.5f, perCall, 0);
            VectorGemm.PackedA packed = new VectorGemm.PackedA();
            gemm.pack(ta, m, k, a, 0, packed);
            gemm.gemm(packed, tb, n, 1.5f, b, 0, -0.5f, packedOnce, 0);
            assertArrayEquals(perCall, packedOnce, Arrays.toString(s) + (ta ? " T" : " N") + (tb ? "T" : "N"));
          }
        }
      }
    }
  }

  /**
   * 16-bit A and B are widened while packed, so the product must equal the float32 path's on the widened values bit
   * for bit, on every path (serial, A shared, packed whole, spans), transpose pair and ragged panel edge, with an
   * offset into each operand.
   */
  @Test
  void sixteenBitOperandsPackToTheFloat32ProductBitForBit() {
    Random rng = new Random(7);
    try (WorkerTeam team = new WorkerTeam(2)) {
      VectorGemm whole = new VectorGemm(team);
      VectorGemm spans = new VectorGemm(team, 20_000);
      int[][] shapes = {{7, 9, 5}, {128, 512, 300}, {300, 200, 500}, {50, 40, 2100}, {33, 17, 65}};
      for (DType type : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
        for (int[] s : shapes) {
          for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            int m = s[0];
            int n = s[1];
            int k = s[2];
            short[] a16 = new short[m * k + 3];
            short[] b16 = new short[k * n + 5];
            float[] a = new float[a16.length];
            float[] b = new float[b16.length];
            for (int i = 0; i < a16.length; i++) {
              a16[i] = ReducedFloats.toBits(type, rng.nextFloat() * 2 - 1);
              a[i] = ReducedFloats.fromBits(type, a16[i]);
            }
            for (int i = 0; i < b16.length; i++) {
              b16[i] = ReducedFloats.toBits(type, rng.nextFloat() * 2 - 1);
              b[i] = ReducedFloats.fromBits(type, b16[i]);
            }
            for (VectorGemm gemm : new VectorGemm[] {whole, spans}) {
              float[] expected = random(rng, m * n);
              float[] actual = expected.clone();
              gemm.gemm(ta, tb, m, n, k, 0.5f, a, 3, b, 5, -0.75f, expected, 0);
              gemm.gemm(type, ta, tb, m, n, k, 0.5f, a16, 3, b16, 5, -0.75f, actual, 0);
              for (int i = 0; i < expected.length; i++) {
                if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                  assertEquals(expected[i], actual[i], type.label() + " C[" + i + "] of " + m + "×" + n + "×" + k
                      + (ta ? " T" : " N") + (tb ? "T" : "N"));
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * An L×L block of a stored Bᵀ transposed in registers (512- or 256-bit vectors: the build runs this class with
   * each) lands where the scalar pack puts each element, bit for bit, in the panel's first L lanes of each step,
   * leaving the other L as they were.
   */
  @Test
  void aBlockTransposedInRegistersIsTheTranspose() {
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    assumeTrue(lanes == 16 || lanes == 8, "needs 512- or 256-bit vectors");
    Random rng = new Random(8);
    int ld = 37;
    int panel = 2 * lanes;
    float[] b = random(rng, 3 + lanes * ld);
    float[] dst = new float[5 + lanes * panel];
    Arrays.fill(dst, Float.NaN);
    if (lanes == 16) {
      VectorGemm.transpose16(b, 3, ld, dst, 5, panel);
    } else {
      VectorGemm.transpose8(b, 3, ld, dst, 5, panel);
    }
    for (int p = 0; p < lanes; p++) {
      for (int j = 0; j < panel; j++) {
        float expected = j < lanes ? b[3 + j * ld + p] : Float.NaN;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[5 + p * panel + j]),
            "step " + p + ", lane " + j);
      }
    }
  }

  /**
   * Sixteen steps of an 8-row A panel interleaved in registers (512-bit vectors) land where the scalar pack puts each
   * element, bit for bit, and nothing past them is written.
   */
  @Test
  void anAPanelInterleavedInRegistersIsTheScalarPack() {
    assumeTrue(FloatVector.SPECIES_PREFERRED.length() == 16, "needs 512-bit vectors");
    Random rng = new Random(9);
    int ld = 41;
    float[] a = random(rng, 3 + 8 * ld);
    float[] dst = new float[5 + 8 * 16 + 7];
    Arrays.fill(dst, Float.NaN);
    VectorGemm.interleave8(a, 3, ld, dst, 5);
    for (int i = 0; i < dst.length; i++) {
      int p = (i - 5) / 8;
      int r = (i - 5) % 8;
      float expected = i >= 5 && p < 16 ? a[3 + r * ld + p] : Float.NaN;
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[i]), "step " + p + ", row " + r);
    }
  }

  /**
   * A whole matrix transposed (the convolutions' channels-last copy) equals the definition bit for bit, with rows and
   * columns inside and outside whole register blocks, and writes nothing outside its destination.
   */
  @Test
  void aMatrixTransposedIsItsTranspose() {
    Random rng = new Random(10);
    for (int[] size : new int[][] {{32, 30}, {37, 21}, {16, 16}, {5, 3}, {48, 2304 / 48}}) {
      int rows = size[0];
      int cols = size[1];
      float[] x = random(rng, 7 + rows * cols);
      float[] dst = new float[3 + rows * cols + 4];
      Arrays.fill(dst, Float.NaN);
      VectorGemm.transpose(x, 7, rows, cols, dst, 3);
      for (int i = 0; i < dst.length; i++) {
        int at = i - 3;
        boolean inside = at >= 0 && at < rows * cols;
        float expected = inside ? x[7 + at % rows * cols + at / rows] : Float.NaN;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[i]),
            rows + "×" + cols + ", destination " + at);
      }
    }
  }

  /**
   * Products below the threads' share and within one K block read their operands in place: the same bits as the
   * packed path, which an exact model of both gives: each element a chain of fused multiply-adds from +0 in K's
   * order, then C = alpha·t or fma(t, alpha, beta·C) in a whole MR×NR tile, and (0 or beta·C) + alpha·t in an edge
   * tile. The MLP's output layer (all three products; its 128×256×10 takes the packed path), ragged edges, panels of B
   * read in place and packed, at most two row panels or one column panel (in place) and more (packed), every
   * transpose pair, alpha, beta = 0 over NaN and beta ≠ 0, offsets into every operand; a product with enough work to
   * share as a control that the model is the packed path's too, and one of two K blocks (its sums in two parts) within
   * rounding.
   */
  @Test
  void productsReadInPlaceHaveThePackedPathsBits() {
    Random rng = new Random(8);
    int mr = VectorGemm.tileRows();
    int nr = VectorGemm.panelWidth();
    try (WorkerTeam one = new WorkerTeam(1); WorkerTeam two = new WorkerTeam(2)) {
      int[][] shapes = {{128, 10, 256}, {10, 256, 128}, {128, 256, 10}, {7, 9, 5}, {13, 2 * nr, 40}, {33, nr + 3, 65},
          {2 * mr + 1, nr - 1, 30}, {1, 1, 1}, {mr, nr, 1024}, {9, nr, 2049}, {64, 256, 300}, {100, 70, 60}};
      for (VectorGemm gemm : new VectorGemm[] {new VectorGemm(one), new VectorGemm(two)}) {
        for (int[] s : shapes) {
          for (int t = 0; t < 16; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            float alpha = (t & 4) != 0 ? 1f : -1.5f;
            float beta = (t & 8) != 0 ? 0f : 0.75f;
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(rng, 3 + m * k);
            float[] b = random(rng, 5 + k * n);
            float[] c = random(rng, 2 + m * n);
            if (beta == 0) {
              Arrays.fill(c, 2, c.length, Float.NaN);
            }
            float[] expected = c.clone();
            boolean oneBlock = k <= 1024; // a K block at either vector width
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                  sum = Math.fma(a[3 + (ta ? p * m + i : i * k + p)], b[5 + (tb ? j * k + p : p * n + j)], sum);
                }
                int at = 2 + i * n + j;
                float old = beta == 0 ? 0 : beta == 1 ? c[at] : c[at] * beta;
                boolean edge = i >= m / mr * mr || j >= n / nr * nr;
                expected[at] = edge ? old + alpha * sum : beta == 0 ? alpha * sum : Math.fma(sum, alpha, old);
              }
            }
            gemm.gemm(ta, tb, m, n, k, alpha, a, 3, b, 5, beta, c, 2);
            String what = m + "×" + n + "×" + k + (ta ? " T" : " N") + (tb ? "T" : "N") + " alpha " + alpha
                + " beta " + beta;
            if (oneBlock) {
              for (int i = 0; i < c.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(c[i]), what + ", C[" + i
                    + "]");
              }
            } else {
              for (int i = 0; i < c.length; i++) {
                assertEquals(expected[i], c[i], TOLERANCE, what + ", C[" + i + "]");
              }
            }
          }
        }
      }
    }
  }

  private static void assertMatchesTripleLoop(VectorGemm gemm, Random rng) {
    for (int[] s : new int[][] {{300, 200, 500}, {50, 40, 2100}, {140, 200, 1000}}) {
      for (int t = 0; t < 8; t++) {
        float beta = (t & 4) != 0 ? 0 : -0.75f; // beta = 0 over NaN: C must be stored, never read
        assertMatchesTripleLoop(gemm, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], beta, 0, rng);
      }
    }
  }

  /**
   * One row to four times a transposed B (one example through a Linear layer), as dot products along K: a ragged K,
   * an odd N, offsets into every operand, beta = 0 over NaN, and N × K large enough for the two threads to split N.
   */
  @Test
  void aFewRowsTimesATransposedBMatchTheTripleLoop() {
    Random rng = new Random(8);
    try (WorkerTeam team = new WorkerTeam(2)) {
      VectorGemm gemm = new VectorGemm(team);
      for (int[] s : new int[][] {{1, 512, 784}, {2, 9, 37}, {3, 33, 5}, {4, 256, 512}, {1, 4099, 1100},
          {4, 1030, 1200}}) {
        for (float beta : new float[] {0, -0.75f}) {
          assertMatchesTripleLoop(gemm, false, true, s[0], s[1], s[2], beta, 3, rng);
          if (s[0] == 1) { // one row of a transposed A is contiguous too
            assertMatchesTripleLoop(gemm, true, true, s[0], s[1], s[2], beta, 5, rng);
          }
        }
      }
    }
  }

  /** C = 0.5·op(A)·op(B) + beta·C against a double triple loop, each operand {@code offset} floats into its array. */
  private static void assertMatchesTripleLoop(VectorGemm gemm, boolean ta, boolean tb, int m, int n, int k,
      float beta, int offset, Random rng) {
    float[] a = random(rng, offset + m * k);
    float[] b = random(rng, offset + k * n);
    float[] c = random(rng, offset + m * n);
    if (beta == 0) {
      Arrays.fill(c, Float.NaN);
    }
    float[] expected = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          sum += (double) a[offset + (ta ? p * m + i : i * k + p)] * b[offset + (tb ? j * k + p : p * n + j)];
        }
        expected[i * n + j] = (float) (0.5 * sum + (beta == 0 ? 0 : beta * c[offset + i * n + j]));
      }
    }
    gemm.gemm(ta, tb, m, n, k, 0.5f, a, offset, b, offset, beta, c, offset);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], c[offset + i], TOLERANCE, "C[" + i + "] of " + m + "×" + n + "×" + k
          + (ta ? " T" : " N") + (tb ? "T" : "N"));
    }
  }

  private static float[] run(Backend backend, boolean ta, boolean tb, int[] s, float[] a, float[] b, float[] c) {
    Buffer ba = backend.allocate(DType.FLOAT32, a.length);
    Buffer bb = backend.allocate(DType.FLOAT32, b.length);
    Buffer bc = backend.allocate(DType.FLOAT32, c.length);
    backend.upload(ba, a);
    backend.upload(bb, b);
    backend.upload(bc, c);
    backend.gemm(GemmArgs.of(s[0], s[1], s[2], ba, bb, bc).transposed(Transposed.of(ta, tb)).scaled(0.5, -0.75));
    float[] out = new float[c.length];
    backend.download(bc, out);
    return out;
  }

  private static float[] random(Random rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextFloat() * 2 - 1;
    }
    return x;
  }
}
