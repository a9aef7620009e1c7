package io.jgrad.cpu.bench;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.Buffer;
import io.jgrad.DType;
import io.jgrad.Distribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * SGEMM throughput of a backend as JSON lines ({@code {"bench":"gemm","backend":"cpu","m":1024,…,"gflops":…}}): square
 * sizes 128…2048 and the products of a 784-512-256-10 MLP at batch 128 (forward NN, backward NT for dX and TN for
 * dW). Each case is warmed up, then timed several times; the median is reported.
 */
public final class GemmBench {
  /** {m, n, k, transA, transB}: forward X·W, backward dY·Wᵀ (NT) and Xᵀ·dY (TN) of each layer. */
  private static final int[][] MLP_SHAPES = {
    {128, 512, 784, 0, 0}, {128, 784, 512, 0, 1}, {784, 512, 128, 1, 0},
    {128, 256, 512, 0, 0}, {128, 512, 256, 0, 1}, {512, 256, 128, 1, 0},
    {128, 10, 256, 0, 0}, {128, 256, 10, 0, 1}, {256, 10, 128, 1, 0},
  };
  private static final int[] SQUARES = {128, 256, 512, 1024, 2048};
  /** Aim for about this much timed work per case, so small shapes are repeated enough to be measurable. */
  private static final double TARGET_SECONDS = 0.25;

  private GemmBench() {}

  /** Runs every case on {@code backendName} and hands each JSON line to {@code out}. */
  public static void run(String backendName, int threads, Consumer<String> out) {
    try (Backend backend = Backends.create(backendName, new BackendOptions(threads))) {
      for (int s : SQUARES) {
        out.accept(measure(backend, s, s, s, false, false));
      }
      for (int[] c : MLP_SHAPES) {
        out.accept(measure(backend, c[0], c[1], c[2], c[3] != 0, c[4] != 0));
      }
    }
  }

  /** One case: warm-up, then the median of timed repetitions, as one JSON line. */
  public static String measure(Backend backend, int m, int n, int k, boolean ta, boolean tb) {
    Buffer a = backend.allocate(DType.FLOAT32, (long) m * k);
    Buffer b = backend.allocate(DType.FLOAT32, (long) k * n);
    Buffer c = backend.allocate(DType.FLOAT32, (long) m * n);
    try {
      backend.random(Distribution.UNIFORM, -1, 1, 1, 0, a);
      backend.random(Distribution.UNIFORM, -1, 1, 2, 0, b);
      Runnable gemm = () -> backend.gemm(ta, tb, 1, m, n, k, 1, a, 0, b, 0, 0, c, 0);
      double flops = 2.0 * m * n * k;
      long warmEnd = System.nanoTime() + 300_000_000L; // lets the JIT compile the kernels before timing
      int calls = 0;
      while (System.nanoTime() < warmEnd || calls < 2) {
        gemm.run();
        calls++;
      }
      double once = 0.3 / calls;
      int reps = (int) Math.max(1, Math.min(1000, TARGET_SECONDS / 5 / once));
      List<Double> times = new ArrayList<>();
      for (int t = 0; t < 5; t++) {
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          gemm.run();
        }
        times.add((System.nanoTime() - t0) / 1e6 / reps);
      }
      double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double medianMs = sorted[sorted.length / 2];
      return String.format(Locale.ROOT,
          "{\"bench\":\"gemm\",\"backend\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"trans\":\"%s%s\",\"gflops\":%.1f,"
              + "\"median_ms\":%.3f,\"times_ms\":%s}",
          backend.name(), m, n, k, ta ? "T" : "N", tb ? "T" : "N", flops / medianMs / 1e6, medianMs,
          Arrays.toString(sorted).replace(" ", ""));
    } finally {
      backend.free(a);
      backend.free(b);
      backend.free(c);
    }
  }

  /** {@code java --add-modules jdk.incubator.vector -cp … io.jgrad.cpu.bench.GemmBench [backend] [threads] [m n k]}. */
  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "cpu";
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    if (args.length >= 5) {
      try (Backend backend = Backends.create(name, new BackendOptions(threads))) {
        int m = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        int k = Integer.parseInt(args[4]);
        System.out.println(measure(backend, m, n, k, false, false));
      }
      return;
    }
    run(name, threads, System.out::println);
  }
}
