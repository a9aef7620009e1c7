package io.jgrad.examples.bench;

import io.jgrad.ActivationMemory;
import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.examples.OptionChecks;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.tools.JsonLine;
import io.jgrad.train.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Activation memory of a deep ReLU MLP (depth × Linear(W, W) + ReLU) at batch B, with and without gradient
 * checkpointing: peak bytes saved for backward, peak bytes live on the backend, and the step time (forward +
 * backward; with checkpointing, also of the plain stack in alternation). Also prints the theoretical minimum without
 * checkpointing: each layer's input, which is the previous layer's ReLU output, saved once — (depth + 1)·B·W floats.
 */
@Command(
    name = "memory", mixinStandardHelpOptions = true, description = "Activation memory with/without checkpointing.")
final class MemoryBench implements Runnable {
  @CommandLine.Mixin BenchCommand.BackendChoice backend;

  @Option(names = "--depth", defaultValue = "32")
  int depth;

  @Option(names = "--width", defaultValue = "1024")
  int width;

  @Option(names = "--batch", defaultValue = "256")
  int batch;

  @Option(names = "--checkpoint-segments", defaultValue = "0", description = "0: none; K: K segments")
  int segments;

  @Option(names = "--precision", defaultValue = "fp32",
      description = "fp32, or bf16/fp16 GEMMs with 16-bit saved activations (default: ${DEFAULT-VALUE})")
  Precision precision;

  @Option(names = "--steps", defaultValue = "5", description = "timed steps (after one warm-up)")
  int steps;

  @Override
  public void run() {
    OptionChecks.atLeast("--depth", depth, 1);
    OptionChecks.atLeast("--width", width, 1);
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.atLeast("--checkpoint-segments", segments, 0);
    OptionChecks.atLeast("--steps", steps, 1);
    try (Backend b = backend.open()) {
      Generator gen = new Generator(1);
      List<Module> layers = new ArrayList<>();
      for (int i = 0; i < depth; i++) {
        layers.add(new Linear(b, width, width, gen));
        layers.add(new ReLU());
      }
      Sequential stack = new Sequential(layers.toArray(new Module[0]));
      // With checkpointing, the plain stack (same weights) is timed in alternation: the ratio of medians is fair on
      // a noisy machine where separate runs minutes apart are not.
      Precision mixed = precision;
      List<Module> models = segments > 0 ? List.of(stack.checkpointed(segments), stack) : List.of(stack);
      try (Scope data = Scope.detached()) {
        Tensor x = Tensor.randn(b, DType.FLOAT32, Shape.of(batch, width), gen, 0, 1);
        double[][] ms = new double[models.size()][steps];
        long[] peakActivations = new long[models.size()];
        long[] peakLive = new long[models.size()];
        for (int s = -1; s < steps; s++) {
          for (int m = 0; m < models.size(); m++) {
            Module model = models.get(m);
            model.zeroGrad();
            b.synchronize();
            ActivationMemory.resetPeak();
            b.resetPeak();
            long t0 = System.nanoTime();
            try (Scope step = Scope.open()) {
              Tensor loss;
              try (Autocast region = mixed.enter()) {
                loss = Autocast.widen(model.forward(x)).mean();
              }
              loss.backward();
            }
            b.synchronize();
            if (s >= 0) {
              ms[m][s] = (System.nanoTime() - t0) / 1e6;
              peakActivations[m] = Math.max(peakActivations[m], ActivationMemory.peakBytes());
              peakLive[m] = Math.max(peakLive[m], b.memoryStats().peakBytes());
            }
          }
        }
        x.close();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bench", "memory");
        f.put("backend", b.name());
        f.put("depth", depth);
        f.put("width", width);
        f.put("batch", batch);
        f.put("checkpoint_segments", segments);
        f.put("precision", mixed.label());
        f.put("peak_activation_bytes", peakActivations[0]);
        f.put("theoretical_min_activation_bytes", (long) (depth + 1) * batch * width * 4);
        f.put("peak_total_bytes", peakLive[0]);
        f.put("parameter_bytes", stack.parameterCount() * 4);
        f.put("median_step_ms", median(ms[0]));
        if (segments > 0) {
          f.put("plain_peak_activation_bytes", peakActivations[1]);
          f.put("plain_peak_total_bytes", peakLive[1]);
          f.put("plain_median_step_ms", median(ms[1]));
          f.put("activation_ratio", (double) peakActivations[0] / peakActivations[1]);
          f.put("time_ratio", median(ms[0]) / median(ms[1]));
        }
        System.out.println(JsonLine.of(f));
      } finally {
        stack.close();
      }
    }
  }

  private static double median(double[] v) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
