package io.jgrad.cpu;

import java.util.Arrays;
import java.util.Random;

/**
 * Same-JVM A/B of two VectorGemm versions on the MLP training step's five products (784-512-256-10, batch 128),
 * run in step order with 8 MB of other memory touched between them, as a training step leaves the caches. Alternating
 * 300 ms windows, so both versions see the same machine state. Built and run by gemm_step_ab.sh, which compiles
 * version A as VectorGemm and version B renamed VectorGemmB.
 *
 * <p>Usage: GemmStepAB ROUNDS [step|alone]; -Dthreads=N (default 2); -Dshapes=MxNxK:NT,... (default the step's
 * products). Prints per product the median GFLOP/s of each version and the median and quartiles of the per-round ratio
 * B/A, then the step's GEMM time ratio and the largest difference between the two versions' results.
 */
public class GemmStepAB {
  private static final String[] SHAPES = System.getProperty("shapes",
      "128x512x784:NT,512x784x128:TN,128x512x256:NN,256x512x128:TN,128x256x512:NT").split(",");

  interface Gemm {
    void run(boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b, float[] c);
  }

  public static void main(String[] args) {
    int rounds = Integer.parseInt(args[0]);
    boolean step = args.length < 2 || args[1].equals("step");
    int threads = Integer.getInteger("threads", 2);
    VectorGemm va = new VectorGemm(new WorkerTeam(threads));
    VectorGemmB vb = new VectorGemmB(new WorkerTeam(threads));
    Gemm[] versions = {
        (ta, tb, m, n, k, a, b, c) -> va.gemm(ta, tb, m, n, k, 1f, a, 0, b, 0, 0f, c, 0),
        (ta, tb, m, n, k, a, b, c) -> vb.gemm(ta, tb, m, n, k, 1f, a, 0, b, 0, 0f, c, 0)};
    int s = SHAPES.length;
    int[][] dims = new int[s][];
    boolean[][] trans = new boolean[s][];
    float[][][] ops = new float[s][][];
    Random rng = new Random(1);
    for (int i = 0; i < s; i++) {
      String[] p = SHAPES[i].split("[x:]");
      dims[i] = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
      trans[i] = new boolean[] {p[3].charAt(0) == 'T', p[3].charAt(1) == 'T'};
      int m = dims[i][0], n = dims[i][1], k = dims[i][2];
      ops[i] = new float[][] {new float[m * k], new float[k * n], new float[m * n], new float[m * n]};
      for (float[] x : ops[i]) {
        for (int j = 0; j < x.length; j++) {
          x[j] = rng.nextFloat() - 0.5f;
        }
      }
    }
    float[] other = new float[2 << 20];
    double[][][] rate = new double[2][s][rounds];
    for (int w = -2; w < rounds; w++) { // two warm-up rounds
      for (int turn = 0; turn < 2; turn++) {
        int v = (turn + w + 2) % 2; // A first in even rounds, B first in odd ones
        long[] ns = new long[s];
        int[] calls = new int[s];
        long end = System.nanoTime() + 300_000_000L;
        do {
          for (int i = 0; i < s; i++) {
            do {
              if (step) {
                for (int j = i * 7 % 16; j < other.length; j += 64) {
                  other[j] += 1;
                }
              }
              long t0 = System.nanoTime();
              versions[v].run(trans[i][0], trans[i][1], dims[i][0], dims[i][1], dims[i][2], ops[i][0], ops[i][1],
                  ops[i][2 + v]);
              ns[i] += System.nanoTime() - t0;
              calls[i]++;
            } while (!step && ns[i] < 60_000_000L);
          }
        } while (System.nanoTime() < end);
        for (int i = 0; w >= 0 && i < s; i++) {
          rate[v][i][w] = 2.0 * dims[i][0] * dims[i][1] * dims[i][2] * calls[i] / ns[i];
        }
      }
    }
    double timeA = 0;
    double timeB = 0;
    double maxDiff = 0;
    for (int i = 0; i < s; i++) {
      double[] q = new double[rounds];
      for (int w = 0; w < rounds; w++) {
        q[w] = rate[1][i][w] / rate[0][i][w];
      }
      System.out.printf("%-15s A %6.1f  B %6.1f GFLOP/s  B/A %.3f [%.3f, %.3f]%n", SHAPES[i], pct(rate[0][i], .5),
          pct(rate[1][i], .5), pct(q, .5), pct(q, .25), pct(q, .75));
      double flop = 2.0 * dims[i][0] * dims[i][1] * dims[i][2];
      timeA += flop / pct(rate[0][i], .5);
      timeB += flop / pct(rate[1][i], .5);
      for (int j = 0; j < ops[i][2].length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(ops[i][2][j] - ops[i][3][j]));
      }
    }
    System.out.printf("%s, %d threads: GEMM time B/A %.3f, largest difference %.3g%n", step ? "step" : "alone", threads,
        timeB / timeA, maxDiff);
    System.exit(0);
  }

  private static double pct(double[] v, double f) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(f * (sorted.length - 1))];
  }
}
