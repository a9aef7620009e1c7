package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Buffer;
import io.jgrad.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * alpha and beta on the multithreaded GEMM paths, against the reference loops: the conformance suite checks alpha and
 * beta on a shape small enough to run on one thread, and C is scaled by beta in a different place on each path. The
 * shapes: tall (A and B packed whole), wide with a small A (A shared: one K block, ragged edges everywhere, and two
 * K blocks), a single row block split by columns, and an A too large to keep packed whole (two spans of K, of which
 * only the first may scale C).
 */
class VectorGemmTest {
  /** Sums of at most 2,500 products of values in [−1, 1]: float32 rounding stays far below this, a wrong index not. */
  private static final float TOLERANCE = 2e-3f;

  @Test
  void alphaAndBetaOnTheTallAndWidePaths() {
    Random rng = new Random(5);
    try (Backend fast = new CpuBackend(new BackendOptions(2));
        Backend reference = new CpuScalarBackend()) {
      int[][] shapes = {
        {385, 200, 300}, {300, 1030, 20}, {130, 333, 700}, {97, 600, 1025}, {60, 300, 2500}, {4100, 16, 1100}
      };
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

  private static float[] run(Backend backend, boolean ta, boolean tb, int[] s, float[] a, float[] b, float[] c) {
    Buffer ba = backend.allocate(DType.FLOAT32, a.length);
    Buffer bb = backend.allocate(DType.FLOAT32, b.length);
    Buffer bc = backend.allocate(DType.FLOAT32, c.length);
    backend.upload(ba, a);
    backend.upload(bb, b);
    backend.upload(bc, c);
    backend.gemm(ta, tb, 1, s[0], s[1], s[2], 0.5, ba, 0, bb, 0, -0.75, bc, 0);
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
