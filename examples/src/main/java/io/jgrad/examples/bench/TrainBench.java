package io.jgrad.examples.bench;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.examples.CliEnums;
import io.jgrad.examples.OptimizerChoice;
import io.jgrad.examples.OptionChecks;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import io.jgrad.tools.CnnSpec;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.MlpSpec;
import io.jgrad.tools.ResNetSpec;
import io.jgrad.tools.ProgressListener;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.Precision;
import io.jgrad.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Training throughput of an MLP (784-hidden…-10, ReLU, cross-entropy), or with {@code --model cnn} or {@code resnet}
 * of the network of {@code jgrad train --model cnn} ({@link CnnSpec}) or {@code resnet} ({@link ResNetSpec}, of
 * {@code --depth}) on 28×28 images or {@code --image}'s (--hidden is then ignored),
 * with the recipe's options (optimizer, schedule, dropout, label smoothing). Two loops: {@code --loop preloaded} (the
 * default) times forward + backward + optimizer step over batches already on the backend; {@code --loop trainer} times
 * what {@code jgrad train} runs, the {@link Trainer} with its progress listener (writing to a null sink) and
 * gradient-norm monitor, a shuffling {@link DataLoader} over an in-memory data set of {@code steps × batch} random
 * examples (one epoch per window), and an evaluation after each epoch on a sixth as many (Fashion-MNIST's ratio, batch
 * 1000), whose time is reported apart as jgrad train's samples/s leaves it out. Prints a line for the warm-up (which
 * lasts until the JIT has settled, see {@link #warmUp}), one JSON line per timed window and a summary line with the
 * median, and the bytes the JVM allocated per step (all threads); with {@code --profile}, then one line per kernel
 * (GEMMs by shape) with its time per step, measured in the same windows.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "MLP, CNN or ResNet training samples/s.")
final class TrainBench implements Runnable {
  private static final int INPUTS = 784;
  private static final int CLASSES = 10;
  private static final int PRELOADED_BATCHES = 16;
  private static final int EVAL_BATCH = 1000;

  /** The two loops a window can time. */
  enum Loop {
    PRELOADED, TRAINER
  }

  /** {@code --model}: the network whose steps are timed. */
  enum Model {
    MLP, CNN, RESNET
  }

  @CommandLine.Mixin BenchCommand.BackendChoice backend;

  @Option(names = "--model", defaultValue = "mlp",
      description = "mlp, or cnn or resnet: train --model cnn's or resnet's network for --image's images (default: "
          + "${DEFAULT-VALUE})")
  Model model;

  @Option(names = "--depth", defaultValue = "20", paramLabel = "LAYERS",
      description = "with --model resnet, its depth, 6n + 2 (default: ${DEFAULT-VALUE})")
  int depth;

  @Option(names = "--image", defaultValue = "1,28,28", split = ",", paramLabel = "C,H,W",
      description = "with --model cnn or resnet, the images' channels, height and width: 1,28,28 (Fashion-MNIST's "
          + "network) or 3,32,32 (CIFAR-10's, with a third block) (default: ${DEFAULT-VALUE})")
  int[] image;

  @Option(names = "--hidden", defaultValue = "512,256", split = ",")
  int[] hidden;

  @Option(names = "--batch", defaultValue = "128")
  int batch;

  @Option(names = "--optimizer", defaultValue = "sgd",
      description = "sgd (momentum 0.9), adam or adamw (default: ${DEFAULT-VALUE})")
  OptimizerChoice.Kind optimizer;

  @Option(names = "--lr", description = "peak learning rate (default: 0.01 for sgd, 0.001 for adam/adamw)")
  Double lr;

  @Option(names = "--schedule", defaultValue = "constant",
      description = "constant, cosine (with warmup) or onecycle, over four times the timed steps "
          + "(default: ${DEFAULT-VALUE})")
  OptimizerChoice.Schedule schedule;

  @Option(names = "--dropout", defaultValue = "0", description = "dropout after each hidden layer, in [0, 1)")
  double dropout;

  @Option(names = "--label-smoothing", defaultValue = "0", description = "cross-entropy label smoothing, in [0, 1)")
  double labelSmoothing;

  @Option(names = "--loop", defaultValue = "preloaded", split = ",",
      description = "preloaded (batches already on the backend) or trainer (Trainer, DataLoader, listeners, "
          + "evaluation), or both (preloaded,trainer), taking turns window by window (default: ${DEFAULT-VALUE})")
  List<Loop> loop;

  @Option(names = "--precision", defaultValue = "fp32",
      description = "fp32, bf16 or fp16 GEMMs (autocast; the trainer loop adds fp16 loss scaling) (default: ${DEFAULT-VALUE})")
  Precision precision;

  @Option(names = "--graphs", description = "the trainer loop records its step into a CUDA graph and replays it "
      + "(cuda backend; each window is one fit, which runs 2 steps eagerly and records the third: give --steps "
      + "enough to cover that)")
  boolean graphs;

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
    List<Loop> loops = loops();
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
    }
    OptionChecks.allAtLeast("--hidden", hidden, 1);
    OptionChecks.allAtLeast("--image", image, 1);
    if (image.length != 3) {
      throw new IllegalArgumentException("--image takes C,H,W (three sizes), got " + image.length);
    }
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.atLeast("--windows", windows, 1);
    OptionChecks.atLeast("--steps", steps, 1);
    OptionChecks.finiteAtLeast("--max-warmup", maxWarmup, 0);
    if (schedule == OptimizerChoice.Schedule.PLATEAU || schedule == OptimizerChoice.Schedule.STEP) {
      throw new IllegalArgumentException("--schedule " + CliEnums.label(schedule) + " counts epochs, which bench train "
          + "does not run: time it as constant");
    }
    try (Backend opened = backend.open()) {
      BackendProfile kernels = profile ? new BackendProfile(opened) : null;
      Backend b = kernels != null ? kernels.backend() : opened;
      Generator gen = new Generator(1);
      Module net = model == Model.CNN ? new CnnSpec(image, dropout, CLASSES).build(b, gen, new Generator(2))
          : model == Model.RESNET ? new ResNetSpec(image, depth, dropout, CLASSES).build(b, gen, new Generator(2))
          : new MlpSpec(new int[] {INPUTS}, hidden, "relu", dropout, CLASSES).build(b, gen, new Generator(2));
      CrossEntropyLoss loss = new CrossEntropyLoss(Reduction.MEAN, labelSmoothing);
      Double peakLr = lr != null ? lr : optimizer == OptimizerChoice.Kind.SGD ? 0.01 : null;
      OptimizerChoice choice = new OptimizerChoice(optimizer, peakLr, 0.9, null, schedule);
      List<Window> timed = new ArrayList<>();
      try (Optimizer opt = choice.build(net.namedParameters(), 4L * windows * steps * loops.size())) {
        for (Loop l : loops) {
          timed.add(l == Loop.TRAINER ? new TrainerWindow(b, net, opt, loss, gen)
              : new PreloadedWindow(b, net, opt, loss, gen));
        }
        warmUp(b, timed);
        if (kernels != null) {
          kernels.record();
        }
        double[][] rates = new double[loops.size()][windows];
        long[] allocated = new long[loops.size()];
        for (int w = 0; w < windows; w++) {
          // Loops take turns, in one order and then the other, so a slow period of the machine hits both alike.
          for (int k = 0; k < loops.size(); k++) {
            int l = w % 2 == 0 ? k : loops.size() - 1 - k;
            long alloc0 = allocatedBytes();
            double seconds = timed.get(l).run();
            allocated[l] += allocatedBytes() - alloc0;
            rates[l][w] = steps * batch / seconds;
            Map<String, Object> f = line(b, loops.get(l), "window", rates[l][w], seconds * 1e3 / steps, -1);
            timed.get(l).extraFields(f);
            System.out.println(JsonLine.of(f));
          }
        }
        for (int l = 0; l < loops.size(); l++) {
          double median = median(rates[l]);
          Map<String, Object> f = line(b, loops.get(l), "summary", median, batch * 1e3 / median,
              allocated[l] / ((long) windows * steps));
          if (l > 0) {
            // The median of the window-by-window ratios: each pair ran back to back.
            double[] ratios = new double[windows];
            for (int w = 0; w < windows; w++) {
              ratios[w] = rates[l][w] / rates[0][w];
            }
            String first = loops.get(0).name().toLowerCase(Locale.ROOT);
            f.put("ratio_to_" + first, Math.round(median(ratios) * 1000) / 1000.0);
          }
          System.out.println(JsonLine.of(f));
        }
        if (kernels != null) {
          printProfile(b, kernels, (long) windows * steps * loops.size());
        }
      } finally {
        timed.forEach(Window::close);
        net.close();
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** The loops --loop names, in its order: one, or several that take turns window by window. */
  private List<Loop> loops() {
    List<Loop> loops = new ArrayList<>();
    for (Loop l : loop) {
      if (loops.contains(l)) {
        throw new IllegalArgumentException("--loop names " + CliEnums.label(l) + " twice");
      }
      loops.add(l);
    }
    return loops;
  }

  /** One timed window of {@code steps} training steps. */
  private interface Window extends AutoCloseable {
    /** Runs the window; returns the seconds its training steps took (evaluation excluded). */
    double run();

    /** Fields of the last window's line beyond samples/s. */
    default void extraFields(Map<String, Object> f) {}

    @Override
    void close();
  }

  /** The label of example r of batch i: every class in every batch, a different mix per batch. */
  private static int label(int r, int i) {
    return (r * 7 + i) % CLASSES;
  }

  /** {@code steps} steps over {@link #PRELOADED_BATCHES} batches of random inputs already on the backend. */
  private final class PreloadedWindow implements Window {
    private final Backend b;
    private final Module model;
    private final Optimizer opt;
    private final CrossEntropyLoss loss;
    private final Tensor[] x = new Tensor[PRELOADED_BATCHES];
    private final Tensor[] y = new Tensor[PRELOADED_BATCHES];
    private int i;

    PreloadedWindow(Backend b, Module model, Optimizer opt, CrossEntropyLoss loss, Generator gen) {
      this.b = b;
      this.model = model;
      this.opt = opt;
      this.loss = loss;
      try (Scope data = Scope.detached()) {
        for (int n = 0; n < PRELOADED_BATCHES; n++) {
          x[n] = Tensor.randn(b, DType.FLOAT32, Shape.of(batch, inputs()), gen, 0, 1);
          int[] labels = new int[batch];
          for (int r = 0; r < batch; r++) {
            labels[r] = label(r, n);
          }
          y[n] = Tensor.of(b, labels, batch);
        }
      }
    }

    @Override
    public double run() {
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        try (Scope ignored = Scope.open()) {
          Tensor l;
          try (Autocast region = precision.enter()) {
            l = loss.apply(model.forward(x[i % PRELOADED_BATCHES]), y[i % PRELOADED_BATCHES]);
          }
          opt.zeroGrad();
          l.backward();
          opt.step();
          i++;
        }
      }
      b.synchronize();
      return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
      for (int n = 0; n < PRELOADED_BATCHES; n++) {
        x[n].close();
        y[n].close();
      }
    }
  }

  /** One epoch of {@link Trainer#fit} per window, as {@code jgrad train} runs it. */
  private final class TrainerWindow implements Window {
    private final Trainer trainer;
    private final DataLoader train;
    private final DataLoader test;
    private EpochMetrics last;

    TrainerWindow(Backend b, Module model, Optimizer opt, CrossEntropyLoss loss, Generator gen) {
      train = DataLoader.builder(randomData(b, steps * batch, gen)).batchSize(batch).shuffle(true).build(b);
      test = DataLoader.builder(randomData(b, Math.max(1, steps * batch / 6), gen)).batchSize(EVAL_BATCH).build(b);
      PrintStream nullSink = new PrintStream(OutputStream.nullOutputStream());
      trainer = new Trainer(model, opt, loss).listener(ProgressListener.lines(nullSink, nullSink))
          .precision(precision).graphs(graphs);
    }

    @Override
    public double run() {
      List<EpochMetrics> epoch = trainer.fit(train, test, trainer.completedEpochs() + 1);
      last = epoch.get(0);
      return steps * batch / last.samplesPerSec();
    }

    @Override
    public void extraFields(Map<String, Object> f) {
      double trainSeconds = steps * batch / last.samplesPerSec();
      f.put("eval_ms", Math.round((last.seconds() - trainSeconds) * 1e6) / 1000.0);
      if (graphs) {
        f.put("replayed_steps", trainer.replayedSteps());
      }
    }

    @Override
    public void close() {
      train.close();
      test.close();
    }
  }

  /** Features of one example: an --image for the CNN and the ResNet, 784 for the MLP. */
  private int inputs() {
    return model != Model.MLP ? image[0] * image[1] * image[2] : INPUTS;
  }

  /** n examples of standard-normal inputs with {@link #label}'s labels, on the host. */
  private LabeledData randomData(Backend b, int n, Generator gen) {
    float[] features;
    try (Tensor x = Tensor.randn(b, DType.FLOAT32, Shape.of(n, inputs()), gen, 0, 1)) {
      features = x.toFloatArray();
    }
    int[] labels = new int[n];
    for (int e = 0; e < n; e++) {
      labels[e] = label(e % batch, e / batch);
    }
    return new LabeledData(features, labels, inputs(), CLASSES);
  }

  private Map<String, Object> line(
      Backend b, Loop l, String event, double samplesPerSec, double stepMs, long allocPerStep) {
    Map<String, Object> f = header(b, event);
    f.put("loop", l.name().toLowerCase(Locale.ROOT));
    f.put("precision", precision.label());
    f.put("model", CliEnums.label(model));
    if (model == Model.MLP) {
      f.put("hidden", Arrays.toString(hidden).replace(" ", ""));
    } else {
      f.put("image", Arrays.toString(image).replace(" ", ""));
    }
    if (model == Model.RESNET) {
      f.put("depth", depth);
    }
    f.put("batch", batch);
    f.put("optimizer", CliEnums.label(optimizer));
    f.put("schedule", CliEnums.label(schedule));
    f.put("dropout", dropout);
    f.put("label_smoothing", labelSmoothing);
    f.put("samples_per_sec", Math.round(samplesPerSec));
    f.put("step_ms", Math.round(stepMs * 1000) / 1000.0);
    if (allocPerStep >= 0) {
      f.put("jvm_alloc_bytes_per_step", allocPerStep);
      f.put("java", System.getProperty("java.version"));
    }
    return f;
  }

  /** Windows of steps (pools, optimizer state, the JIT) until the JIT has settled: see {@link Jit#warmUp}. */
  private void warmUp(Backend b, List<Window> timed) {
    Jit.Warmup w = Jit.warmUp(() -> timed.forEach(Window::run), maxWarmup);
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
