package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GemmArgs;
import io.jgrad.Transposed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * SGEMM throughput of a backend as JSON lines ({@code {"bench":"gemm","backend":"cpu","m":1024,…,"gflops":…}}): square
 * sizes 128…2048 and the products of one training step of a 784-512-256-10 MLP at batch 128, as {@code bench train
 * --profile} names them (docs/bench/torch_mlp_gemms.py times the same in PyTorch). Each case is warmed up, then timed
 * several times; the median is reported.
 */
public final class GemmBench {
  /** One product C[m×n] = op(A)·op(B), K inner. */
  private record Product(int m, int n, int k, Transposed transposed) {}

  /**
   * The step's products in the order it runs them, Linear's weights stored [out, in]: each layer's forward X·Wᵀ (NT),
   * then from the last layer back its weight gradient dYᵀ·X (TN) and, but for the first layer, its input gradient
   * dY·W (NN).
   */
  private static final Product[] MLP_PRODUCTS = {
    new Product(128, 512, 784, Transposed.SECOND), new Product(128, 256, 512, Transposed.SECOND),
    new Product(128, 10, 256, Transposed.SECOND),
    new Product(10, 256, 128, Transposed.FIRST), new Product(128, 256, 10, Transposed.NONE),
    new Product(256, 512, 128, Transposed.FIRST), new Product(128, 512, 256, Transposed.NONE),
    new Product(512, 784, 128, Transposed.FIRST),
  };
  private static final int[] SQUARES = {128, 256, 512, 1024, 2048};
  /** Aim for about this much timed work per case, so small shapes are repeated enough to be measurable. */
  private static final double TARGET_SECONDS = 0.25;

  private GemmBench() {}

  /** The default square sizes. */
  public static int[] defaultSquares() {
    return SQUARES.clone();
  }

  /** Runs the square sizes, then (if {@code mlp}) the MLP shapes, handing each JSON line to {@code out}. */
  public static void run(Backend backend, int[] squares, boolean mlp, Consumer<String> out) {
    run(backend, DType.FLOAT32, squares, mlp, out);
  }

  /** {@link #run} with A and B of {@code dtype} (BFLOAT16, FLOAT16: a float32 C, accumulated in float32). */
  public static void run(Backend backend, DType dtype, int[] squares, boolean mlp, Consumer<String> out) {
    for (int s : squares) {
      out.accept(measure(backend, dtype, s, s, s, Transposed.NONE));
    }
    if (mlp) {
      for (Product p : MLP_PRODUCTS) {
        out.accept(measure(backend, dtype, p.m(), p.n(), p.k(), p.transposed()));
      }
    }
  }

  /** One case: warm-up, then the median of timed repetitions, as one JSON line. */
  public static String measure(Backend backend, int m, int n, int k, Transposed transposed) {
    return measure(backend, DType.FLOAT32, m, n, k, transposed);
  }

  private static String measure(Backend backend, DType dtype, int m, int n, int k, Transposed transposed) {
    return withOperands(backend, dtype, m, n, k, transposed, gemm -> {
      double flops = 2.0 * m * n * k;
      double once = warmUp(backend, gemm);
      int reps = (int) Math.max(1, Math.min(1000, TARGET_SECONDS / 5 / once));
      List<Double> times = new ArrayList<>();
      for (int t = 0; t < 5; t++) {
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          gemm.run();
        }
        backend.synchronize();
        times.add((System.nanoTime() - t0) / 1e6 / reps);
      }
      double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double medianMs = sorted[sorted.length / 2];
      return String.format(Locale.ROOT, "{%s,\"gflops\":%.1f,\"median_ms\":%.3f,\"times_ms\":%s}",
          header(backend, null, m, n, k, transposed) + dtypeField(dtype), flops / medianMs / 1e6, medianMs,
          Arrays.toString(sorted).replace(" ", ""));
    });
  }

  /**
   * One product's rate over time: after the warm-up, one JSON line per 200 ms window for {@code seconds}. On a shared
   * machine the rate can halve for seconds and come back with nothing changed in the process; this shows when.
   */
  public static void trace(Backend backend, int m, int n, int k, Transposed t, double seconds, Consumer<String> out) {
    withOperands(backend, DType.FLOAT32, m, n, k, t, gemm -> {
      warmUp(backend, gemm);
      long start = System.nanoTime();
      while (System.nanoTime() - start < seconds * 1e9) {
        long t0 = System.nanoTime();
        int calls = 0;
        while (calls == 0 || System.nanoTime() - t0 < 200_000_000L) {
          gemm.run();
          calls++;
          if (calls % 8 == 0) {
            backend.synchronize(); // a GPU queues launches: wait now and then so a window measures its own work
          }
        }
        backend.synchronize();
        long t1 = System.nanoTime();
        out.accept(String.format(Locale.ROOT, "{%s,\"t_s\":%.2f,\"gflops\":%.1f}",
            header(backend, "trace", m, n, k, t), (t1 - start) / 1e9, 2.0 * m * n * k * calls / (t1 - t0)));
      }
      return null;
    });
  }

  private static String header(Backend backend, String event, int m, int n, int k, Transposed t) {
    return String.format(Locale.ROOT,
        "\"bench\":\"gemm\",%s\"backend\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"trans\":\"%s\"",
        event != null ? "\"event\":\"" + event + "\"," : "", backend.name(), m, n, k, t.letters());
  }

  /**
   * Lets the JIT compile the kernels before timing: 100 ms windows (at least 2 calls each) until it has settled (see
   * {@link Jit#warmUp}), for at most 2 s. Returns the seconds per call in the last window.
   */
  private static double warmUp(Backend backend, Runnable gemm) {
    long[] window = new long[2]; // calls, nanoseconds
    Jit.warmUp(() -> {
      long t0 = System.nanoTime();
      window[0] = 0;
      while (System.nanoTime() - t0 < 100_000_000L || window[0] < 2) {
        gemm.run();
        window[0]++;
      }
      backend.synchronize();
      window[1] = System.nanoTime() - t0;
    }, 2);
    return window[1] / 1e9 / window[0];
  }

  /** ,"dtype":"bf16" for 16-bit operands; nothing for float32, whose lines stay as they were. */
  private static String dtypeField(DType dtype) {
    return switch (dtype) {
      case BFLOAT16 -> ",\"dtype\":\"bf16\"";
      case FLOAT16 -> ",\"dtype\":\"fp16\"";
      default -> "";
    };
  }

  /** Runs {@code body} with C = op(A)·op(B) on random operands as its argument, freeing them after. */
  private static <T> T withOperands(
      Backend backend, DType dtype, int m, int n, int k, Transposed t, Function<Runnable, T> body) {
    Buffer a = backend.allocate(dtype, (long) m * k);
    Buffer b = backend.allocate(dtype, (long) k * n);
    Buffer c = backend.allocate(DType.FLOAT32, (long) m * n);
    try {
      backend.random(Distribution.UNIFORM, -1, 1, 1, 0, a);
      backend.random(Distribution.UNIFORM, -1, 1, 2, 0, b);
      return body.apply(() -> backend.gemm(GemmArgs.of(m, n, k, a, b, c).transposed(t)));
    } finally {
      backend.free(a);
      backend.free(b);
      backend.free(c);
    }
  }
}
