package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.autograd.ActivationMemory;
import io.jgrad.examples.JsonLine;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Activation memory of a deep ReLU MLP (depth × Linear(W, W) + ReLU) at batch B, with and without gradient
 * checkpointing: peak bytes saved for backward, peak bytes live on the backend, and the step time (forward +
 * backward). Also prints the theoretical minimum without checkpointing: each layer's input, which is the previous
 * layer's ReLU output, saved once — (depth + 1)·B·W floats.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, description = "Activation memory with/without checkpointing.")
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

  @Option(names = "--steps", defaultValue = "5", description = "timed steps (after one warm-up)")
  int steps;

  @Override
  public void run() {
    try (Backend b = backend.open()) {
      Generator gen = new Generator(1);
      List<Module> layers = new ArrayList<>();
      for (int i = 0; i < depth; i++) {
        layers.add(new Linear(b, width, width, gen));
        layers.add(new ReLU());
      }
      Sequential stack = new Sequential(layers.toArray(new Module[0]));
      Module model = segments > 0 ? stack.checkpointed(segments) : stack;
      try (Scope data = Scope.detached()) {
        Tensor x = Tensor.randn(b, DType.FLOAT32, Shape.of(batch, width), gen, 0, 1);
        double[] ms = new double[steps];
        long peakActivations = 0;
        long peakLive = 0;
        for (int s = -1; s < steps; s++) {
          model.zeroGrad();
          b.synchronize();
          ActivationMemory.resetPeak();
          b.resetPeak();
          long t0 = System.nanoTime();
          try (Scope step = Scope.open()) {
            model.forward(x).mean().backward();
          }
          b.synchronize();
          if (s >= 0) {
            ms[s] = (System.nanoTime() - t0) / 1e6;
            peakActivations = Math.max(peakActivations, ActivationMemory.peakBytes());
            peakLive = Math.max(peakLive, b.memoryStats().peakBytes());
          }
        }
        x.close();
        Arrays.sort(ms);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bench", "memory");
        f.put("backend", b.name());
        f.put("depth", depth);
        f.put("width", width);
        f.put("batch", batch);
        f.put("checkpoint_segments", segments);
        f.put("peak_activation_bytes", peakActivations);
        f.put("theoretical_min_activation_bytes", (long) (depth + 1) * batch * width * 4);
        f.put("peak_total_bytes", peakLive);
        f.put("parameter_bytes", model.parameterCount() * 4);
        f.put("median_step_ms", ms[steps / 2]);
        System.out.println(JsonLine.of(f));
      } finally {
        model.close();
      }
    }
  }
}
