package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.examples.Mlp;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Module;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.tools.JsonLine;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training throughput of an MLP (784-hidden…-10, ReLU, cross-entropy) with the data already on the backend: each
 * timed step is forward + backward + optimizer step. Prints a line for the warm-up (which lasts until the JIT has
 * settled, see {@link #warmUp}), one JSON line per timed window and a summary line with
 * the median, and the bytes the JVM allocated per step (all threads); with {@code --profile}, then one line per kernel
 * (GEMMs by shape) with its time per step, measured in the same windows.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "MLP training samples/s, data preloaded.")
final class TrainBench implements Runnable {
  private static final int INPUTS = 784;
  private static final int CLASSES = 10;
  private static final int PRELOADED_BATCHES = 16;

  @CommandLine.Mixin BenchCommand.BackendChoice backend;

  @Option(names = "--hidden", defaultValue = "512,256", split = ",")
  int[] hidden;

  @Option(names = "--batch", defaultValue = "128")
  int batch;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (momentum 0.9) or adam")
  String optimizer;

  @Option(names = "--windows", defaultValue = "7", description = "timed windows")
  int windows;

  @Option(names = "--steps", defaultValue = "50", description = "steps per window")
  int steps;

  @Option(names = "--max-warmup", defaultValue = "30", paramLabel = "SECONDS",
      description = "warm up until the JIT has settled, but at most this long (at least 3 windows' worth of steps)")
  double maxWarmup;

  @Option(names = "--profile", description = "also print where a step's time goes: one line per kernel and GEMM shape")
  boolean profile;

  @Override
  public void run() {
    try (Backend opened = backend.open()) {
      BackendProfile kernels = profile ? new BackendProfile(opened) : null;
      Backend b = kernels != null ? kernels.backend() : opened;
      Generator gen = new Generator(1);
      Module model = Mlp.build(b, INPUTS, hidden, "relu", 0, CLASSES, 0, gen, gen);
      Tensor[] x = new Tensor[PRELOADED_BATCHES];
      Tensor[] y = new Tensor[PRELOADED_BATCHES];
      try (Scope data = Scope.detached()) {
        for (int i = 0; i < PRELOADED_BATCHES; i++) {
          x[i] = Tensor.randn(b, DType.FLOAT32, Shape.of(batch, INPUTS), gen, 0, 1);
          int[] labels = new int[batch];
          for (int r = 0; r < batch; r++) {
            labels[r] = (r * 7 + i) % CLASSES;
          }
          y[i] = Tensor.of(b, labels, batch);
        }
      }
      CrossEntropyLoss loss = new CrossEntropyLoss();
      try (Optimizer opt = optimizer.equals("adam") ? new Adam(model.namedParameters(), 1e-3)
          : new SGD(model.namedParameters(), 0.01, 0.9, 0, 0, false)) {
        Runnable step = new Runnable() {
          int i;

          @Override
          public void run() {
            try (Scope ignored = Scope.open()) {
              Tensor l = loss.apply(model.forward(x[i % PRELOADED_BATCHES]), y[i % PRELOADED_BATCHES]);
              opt.zeroGrad();
              l.backward();
              opt.step();
              i++;
            }
          }
        };
        warmUp(b, step);
        if (kernels != null) {
          kernels.record();
        }
        double[] rates = new double[windows];
        long allocated = 0;
        for (int w = 0; w < windows; w++) {
          long alloc0 = allocatedBytes();
          long t0 = System.nanoTime();
          for (int i = 0; i < steps; i++) {
            step.run();
          }
          b.synchronize();
          double seconds = (System.nanoTime() - t0) / 1e9;
          allocated += allocatedBytes() - alloc0;
          rates[w] = steps * batch / seconds;
          System.out.println(line(b, "window", rates[w], seconds * 1e3 / steps, -1));
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[windows / 2];
        System.out.println(line(b, "summary", median, batch * 1e3 / median, allocated / ((long) windows * steps)));
        if (kernels != null) {
          printProfile(b, kernels, (long) windows * steps);
        }
      } finally {
        model.close();
        for (int i = 0; i < PRELOADED_BATCHES; i++) {
          x[i].close();
          y[i].close();
        }
      }
    }
  }

  private String line(Backend b, String event, double samplesPerSec, double stepMs, long allocPerStep) {
    Map<String, Object> f = header(b, event);
    f.put("hidden", Arrays.toString(hidden).replace(" ", ""));
    f.put("batch", batch);
    f.put("optimizer", optimizer);
    f.put("samples_per_sec", Math.round(samplesPerSec));
    f.put("step_ms", Math.round(stepMs * 1000) / 1000.0);
    if (allocPerStep >= 0) {
      f.put("jvm_alloc_bytes_per_step", allocPerStep);
      f.put("java", System.getProperty("java.version"));
    }
    return JsonLine.of(f);
  }

  /** Windows of steps (pools, optimizer state, the JIT) until the JIT has settled: see {@link Jit#warmUp}. */
  private void warmUp(Backend b, Runnable step) {
    Jit.Warmup w = Jit.warmUp(() -> {
      for (int i = 0; i < steps; i++) {
        step.run();
      }
      b.synchronize();
    }, maxWarmup);
    Map<String, Object> f = header(b, "warmup");
    f.put("steps", w.windows() * steps);
    f.put("seconds", Math.round(w.seconds() * 1000) / 1000.0);
    f.put("jit_settled", w.settled());
    System.out.println(JsonLine.of(f));
  }

  /** The fields every line of this bench starts with. */
  private static Map<String, Object> header(Backend b, String event) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("bench", "train");
    f.put("event", event);
    f.put("backend", b.name());
    return f;
  }

  /** One line per kernel key, the most time first: calls and milliseconds per step, and its share of all kernels. */
  private static void printProfile(Backend b, BackendProfile kernels, long stepsTimed) {
    List<BackendProfile.Entry> entries = kernels.entries();
    double total = entries.stream().mapToLong(BackendProfile.Entry::nanos).sum();
    for (BackendProfile.Entry e : entries) {
      Map<String, Object> f = header(b, "profile");
      f.put("kernel", e.key());
      f.put("calls_per_step", Math.round(e.calls() * 1000.0 / stepsTimed) / 1000.0);
      f.put("ms_per_step", Math.round(e.nanos() / 1e3 / stepsTimed) / 1000.0);
      f.put("share", Math.round(e.nanos() / total * 1000) / 1000.0);
      System.out.println(JsonLine.of(f));
    }
  }

  /** Bytes allocated on the Java heap so far by all live threads (HotSpot's per-thread counters). */
  static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(v -> v > 0).sum();
  }
}
