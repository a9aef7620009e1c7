package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.MemoryStats;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Training on the GPU: the losses of the first 50 steps match the CPU reference backend's (same seed, same data) to
 * 1e-4 relative, and after warm-up steps make no cudaMalloc call and leave live bytes at parameters + gradients +
 * optimizer state.
 */
@ExtendWith(RequiresGpu.class)
class CudaTrainingTest {
  private static final int STEPS = 50;
  private static final double LOSS_RTOL = 1e-4;

  /** 784-128-64-10 ReLU MLP trained with AdamW on fixed random batches; returns each step's loss. */
  private static double[] losses(Backend backend, MemoryStats[] afterWarmup, MemoryStats[] atEnd, long[] stateBytes) {
    Generator gen = new Generator(7);
    Module model = new Sequential(new Linear(backend, 784, 128, gen), new ReLU(), new Linear(backend, 128, 64, gen),
        new ReLU(), new Linear(backend, 64, 10, gen));
    double[] losses = new double[STEPS];
    try (Optimizer opt = new AdamW(model.namedParameters(), 1e-3); Scope data = Scope.open()) {
      CrossEntropyLoss ce = new CrossEntropyLoss();
      Tensor x = Tensor.randn(backend, DType.FLOAT32, Shape.of(64, 784), new Generator(3), 0, 1);
      int[] y = new int[64];
      for (int i = 0; i < y.length; i++) {
        y[i] = (i * 3) % 10;
      }
      Tensor labels = Tensor.of(backend, y, 64);
      for (int s = 0; s < STEPS; s++) {
        try (Scope step = Scope.open()) {
          Tensor loss = ce.apply(model.forward(x), labels);
          opt.zeroGrad();
          loss.backward();
          opt.step();
          losses[s] = loss.item();
        }
        if (s == 4) {
          afterWarmup[0] = backend.memoryStats();
        }
      }
      atEnd[0] = backend.memoryStats();
      stateBytes[0] = opt.state().values().stream().mapToLong(Tensor::bytes).sum()
          + 2 * model.parameters().stream().mapToLong(p -> p.value().bytes()).sum() // values and gradients
          + x.bytes() + labels.bytes();
    } finally {
      model.close();
    }
    return losses;
  }

  @Test
  void firstFiftyLossesMatchTheCpuReferenceAndStepsAllocateNothing() {
    double[] cpu;
    try (Backend reference = Backends.create("cpu-scalar")) {
      cpu = losses(reference, new MemoryStats[1], new MemoryStats[1], new long[1]);
    }
    MemoryStats[] warm = new MemoryStats[1];
    MemoryStats[] end = new MemoryStats[1];
    long[] expectedLive = new long[1];
    try (Backend cuda = Backends.create("cuda")) {
      double[] gpu = losses(cuda, warm, end, expectedLive);
      for (int s = 0; s < STEPS; s++) {
        double rel = Math.abs(gpu[s] - cpu[s]) / Math.abs(cpu[s]);
        assertTrue(rel <= LOSS_RTOL, "step " + s + ": cuda " + gpu[s] + " vs cpu-scalar " + cpu[s]);
      }
      assertEquals(warm[0].systemAllocations(), end[0].systemAllocations(), "cudaMalloc calls after warm-up");
      assertEquals(expectedLive[0], end[0].liveBytes(), "live bytes = data + parameters + gradients + optimizer state");
    }
  }
}
