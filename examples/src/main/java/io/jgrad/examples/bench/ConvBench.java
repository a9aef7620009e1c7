package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.Window2d;
import io.jgrad.examples.bench.BenchCommand.BackendChoice;
import io.jgrad.tools.JsonLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jgrad bench conv}: GFLOP/s of the convolution kernels, forward and each backward pass, for the layers of
 * {@code jgrad train --model cnn} at batch 128 (Fashion-MNIST's two blocks, CIFAR-10's three), or with {@code --model
 * resnet} the 3×3 layers of {@code --model resnet} on Fashion-MNIST (each shape once), one JSON line per layer and
 * pass. A pass does B·O·OH·OW·(C/G)·KH·KW multiply-adds (2 flops each); the median of 5 timed runs is reported.
 */
@Command(name = "conv", mixinStandardHelpOptions = true,
    description = "Convolution GFLOP/s per layer shape: forward, input gradient, weight gradient.")
final class ConvBench implements Callable<Integer> {
  /** {C, H, W, O, stride} of 3×3, padding 1 layers: the CNN's blocks on 28×28 and on 32×32 images. */
  private static final int[][] CNN_LAYERS = {{1, 28, 28, 32, 1}, {32, 14, 14, 64, 1}, {3, 32, 32, 32, 1},
    {32, 16, 16, 64, 1}, {64, 8, 8, 128, 1}};
  /** The ResNet's on 28×28 images: the stem, each stage's blocks and the second and third stages' first convolution. */
  private static final int[][] RESNET_LAYERS = {{1, 28, 28, 16, 1}, {16, 28, 28, 16, 1}, {16, 28, 28, 32, 2},
    {32, 14, 14, 32, 1}, {32, 14, 14, 64, 2}, {64, 7, 7, 64, 1}};
  /** Aim for about this much timed work per run, so small layers repeat enough to be measured. */
  private static final double TARGET_SECONDS = 0.05;
  /**
   * Each pass runs this long, every layer's before any is timed: the JIT compiles a code path while its first layer
   * runs, on the same two cores, and three warm-up calls left Fashion-MNIST's second layer's forward pass (the first
   * through im2col and the GEMM) at half its speed; and code compiled before a later layer's passes had run (the
   * ResNet's first weight gradient from a channels-last copy, the first to transpose a sample) ran at a fifth of its
   * speed until recompiled, as it is within the first steps of training.
   */
  private static final double WARM_UP_SECONDS = 0.5;

  @CommandLine.Mixin BackendChoice backendChoice;

  @Option(names = "--batch", defaultValue = "128", description = "batch size (default: ${DEFAULT-VALUE})")
  int batch;

  /** {@code --model}: whose layers are timed. */
  enum Model {
    CNN, RESNET
  }

  @Option(names = "--model", defaultValue = "cnn", description = "cnn or resnet: whose layers (default: "
      + "${DEFAULT-VALUE})")
  Model model;

  @Override
  public Integer call() {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    try (Backend backend = backendChoice.open()) {
      List<Pass> passes = new ArrayList<>();
      List<Buffer> buffers = new ArrayList<>();
      for (int[] l : model == Model.CNN ? CNN_LAYERS : RESNET_LAYERS) {
        Conv2dGeometry g = new Conv2dGeometry(batch, l[0], l[1], l[2], l[3], 1, Window2d.of(3, l[4], 1));
        Buffer x = random(backend, g.inputSize());
        Buffer w = random(backend, g.weightSize());
        Buffer y = random(backend, g.outputSize());
        Buffer dx = random(backend, g.inputSize());
        Buffer dw = random(backend, g.weightSize());
        buffers.addAll(List.of(x, w, y, dx, dw));
        passes.add(new Pass(g, "forward", () -> backend.conv2d(g, x, w, null, y)));
        passes.add(new Pass(g, "backward_input", () -> backend.conv2dBackwardInput(g, y, w, dx)));
        passes.add(new Pass(g, "backward_weight", () -> backend.conv2dBackwardWeight(g, x, y, dw, null)));
      }
      for (Pass pass : passes) {
        warmUp(backend, pass.kernel());
      }
      for (Pass pass : passes) {
        measure(backend, pass);
      }
      buffers.forEach(backend::free);
    }
    return 0;
  }

  /** One kernel call of one layer. */
  private record Pass(Conv2dGeometry g, String name, Runnable kernel) {}

  private static Buffer random(Backend backend, long size) {
    Buffer b = backend.allocate(DType.FLOAT32, size);
    backend.random(Distribution.UNIFORM, -1, 1, 42, 0, b);
    return b;
  }

  /** The JIT, and the CPU backend's column buffers grow to this layer. */
  private static void warmUp(Backend backend, Runnable kernel) {
    long warmUpStart = System.nanoTime();
    int warmUpRuns = 0;
    while (warmUpRuns < 3 || System.nanoTime() - warmUpStart < WARM_UP_SECONDS * 1e9) {
      kernel.run();
      backend.synchronize();
      warmUpRuns++;
    }
  }

  private static void measure(Backend backend, Pass pass) {
    Conv2dGeometry g = pass.g();
    Runnable kernel = pass.kernel();
    kernel.run(); // the buffers grow back to this layer where a larger one came last
    backend.synchronize();
    long t0 = System.nanoTime();
    kernel.run();
    backend.synchronize();
    double once = Math.max(1e-6, (System.nanoTime() - t0) / 1e9);
    int reps = (int) Math.max(1, Math.min(200, TARGET_SECONDS / once));
    double[] ms = new double[5];
    for (int t = 0; t < ms.length; t++) {
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        kernel.run();
      }
      backend.synchronize();
      ms[t] = (System.nanoTime() - start) / 1e6 / reps;
    }
    Arrays.sort(ms);
    double median = ms[ms.length / 2];
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("bench", "conv");
    line.put("backend", backend.name());
    line.put("pass", pass.name());
    line.put("batch", g.batch());
    line.put("in_channels", g.inChannels());
    line.put("height", g.height());
    line.put("width", g.width());
    line.put("out_channels", g.outChannels());
    line.put("kernel", g.window().kernelH());
    line.put("stride", g.window().strideH());
    line.put("gflops", Math.round(2.0 * g.multiplyAdds() / median / 1e5) / 10.0);
    line.put("median_ms", Math.round(median * 1000) / 1000.0);
    System.out.println(JsonLine.of(line));
  }
}
