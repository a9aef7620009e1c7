package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.Transposed;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.StepGraph;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link CudaBackend#capture} piece by piece, so that a device run says which part of a recorded step breaks where
 * {@code GraphedStepGpuTest} (the whole training step) fails: element-wise kernels replayed on new inputs, GEMM on
 * cuBLAS and on the tiled kernels, random draws at the replay's offset shift, the deferred label check armed again
 * by each replay, the arguments a replay was recorded with, and a capture that fails on a read-back leaving the
 * backend working.
 */
@ExtendWith(RequiresGpu.class)
class CudaStepGraphGpuTest {
  private static final int N = 1000;
  private static final Map<Long, Long> NO_SHIFTS = Map.of();

  private static float[] randoms(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static float[] download(Backend b, Buffer buffer, int n) {
    float[] out = new float[n];
    b.download(buffer, out);
    return out;
  }

  @Test
  void elementWiseKernelsRunOnlyWhenReplayedAndReadTheInputsOfThatReplay() {
    try (Backend b = CudaBackend.open(BackendOptions.defaults())) {
      Buffer x = b.allocate(DType.FLOAT32, N);
      Buffer y = b.allocate(DType.FLOAT32, N);
      Shape s = Shape.of(N);
      b.fill(y, 7);
      StepGraph graph = b.capture(() -> {
        b.binary(BinaryOp.ADD, x, s, x, s, y, s);
        b.unary(UnaryOp.MUL_SCALAR, 3, y, y);
      });
      try (graph) {
        assertArrayEquals(new float[] {7, 7}, java.util.Arrays.copyOf(download(b, y, N), 2), "nothing ran yet");
        for (long seed = 1; seed <= 3; seed++) {
          float[] in = randoms(N, seed);
          b.upload(x, in);
          graph.replay(1e-3, NO_SHIFTS);
          float[] out = download(b, y, N);
          for (int i = 0; i < N; i++) {
            assertEquals((in[i] + in[i]) * 3f, out[i], "element " + i + " of replay " + seed);
          }
        }
      }
      b.free(x);
      b.free(y);
    }
  }

  /**
   * A kernel's argument block is reused by its next launch ({@link KernelArgs}): a graph must hold the values it was
   * recorded with. The same kernel launched eagerly between replays, on other buffers with another scalar, changes
   * neither what a replay computes nor where it writes.
   */
  @Test
  void aReplayKeepsTheArgumentsItWasRecordedWith() {
    try (Backend b = CudaBackend.open(BackendOptions.defaults())) {
      Buffer x = b.allocate(DType.FLOAT32, N);
      Buffer y = b.allocate(DType.FLOAT32, N);
      Buffer other = b.allocate(DType.FLOAT32, N);
      float[] in = randoms(N, 4);
      b.upload(x, in);
      try (StepGraph graph = b.capture(() -> b.unary(UnaryOp.MUL_SCALAR, 3, x, y))) {
        for (int round = 0; round < 2; round++) {
          b.unary(UnaryOp.MUL_SCALAR, 5, x, other); // the same kernel, its block overwritten
          b.fill(y, 0);
          graph.replay(1e-3, NO_SHIFTS);
          float[] out = download(b, y, N);
          float[] eager = download(b, other, N);
          for (int i = 0; i < N; i++) {
            assertEquals(in[i] * 3f, out[i], "replayed element " + i + ", round " + round);
            assertEquals(in[i] * 5f, eager[i], "eager element " + i + ", round " + round);
          }
        }
      }
      b.free(x);
      b.free(y);
      b.free(other);
    }
  }

  @Test
  void gemmsReplayOnCublasAndOnTheTiledKernels() {
    for (boolean cublas : new boolean[] {true, false}) {
      try (CudaBackend b = CudaBackend.open(0, false, cublas)) {
        int m = 128;
        int n = 512;
        int k = 784;
        Buffer a = b.allocate(DType.FLOAT32, (long) m * k);
        Buffer w = b.allocate(DType.FLOAT32, (long) n * k);
        Buffer c = b.allocate(DType.FLOAT32, (long) m * n);
        Buffer expected = b.allocate(DType.FLOAT32, (long) m * n);
        GemmArgs product = GemmArgs.of(m, n, k, a, w, c).transposed(Transposed.SECOND);
        b.upload(w, randoms(n * k, 9));
        try (StepGraph graph = b.capture(() -> b.gemm(product))) {
          for (long seed = 1; seed <= 2; seed++) {
            b.upload(a, randoms(m * k, seed));
            graph.replay(1e-3, NO_SHIFTS);
            b.gemm(GemmArgs.of(m, n, k, a, w, expected).transposed(Transposed.SECOND));
            assertArrayEquals(download(b, expected, m * n), download(b, c, m * n), b.gemmName() + ", replay " + seed);
          }
        }
        for (Buffer buffer : new Buffer[] {a, w, c, expected}) {
          b.free(buffer);
        }
      }
    }
  }

  @Test
  void randomDrawsTakeTheReplaysOffsetShift() {
    try (Backend b = CudaBackend.open(BackendOptions.defaults())) {
      Buffer out = b.allocate(DType.FLOAT32, N);
      Buffer direct = b.allocate(DType.FLOAT32, N);
      long seed = 42;
      try (StepGraph graph = b.capture(() -> b.random(Distribution.UNIFORM, 0, 1, seed, 5000, out))) {
        for (long shift : new long[] {0, N, (1L << 32) - 10}) {
          graph.replay(1e-3, Map.of(seed, shift));
          b.random(Distribution.UNIFORM, 0, 1, seed, 5000 + shift, direct);
          assertArrayEquals(download(b, direct, N), download(b, out, N), "shift " + shift);
        }
        assertThrows(IllegalArgumentException.class, () -> graph.replay(1e-3, NO_SHIFTS), "the seed needs a shift");
      }
      b.free(out);
      b.free(direct);
    }
  }

  @Test
  void eachReplayArmsTheDeferredLabelCheckAgain() {
    int rows = 4;
    int cols = 3;
    try (Backend b = CudaBackend.open(BackendOptions.defaults());
        Backend.DeferredChecks checks = b.deferChecks()) {
      Buffer logits = b.allocate(DType.FLOAT32, rows * cols);
      Buffer labels = b.allocate(DType.INT32, rows);
      Buffer probs = b.allocate(DType.FLOAT32, rows * cols);
      Buffer loss = b.allocate(DType.FLOAT32, rows);
      b.upload(logits, randoms(rows * cols, 3));
      b.upload(labels, new int[] {0, 1, 2, 1});
      try (StepGraph graph = b.capture(() -> b.softmaxCrossEntropy(logits, labels, rows, cols, 0, probs, loss))) {
        graph.replay(1e-3, NO_SHIFTS);
        assertTrue(Float.isFinite(download(b, loss, rows)[0]), "good labels: no report");
        b.upload(labels, new int[] {0, 1, 7, 1});
        graph.replay(1e-3, NO_SHIFTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> download(b, loss, rows));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
        b.upload(labels, new int[] {0, 1, 2, 1});
        graph.replay(1e-3, NO_SHIFTS);
        download(b, loss, rows); // reported once, then good again
      }
      for (Buffer buffer : new Buffer[] {logits, labels, probs, loss}) {
        b.free(buffer);
      }
    }
  }

  @Test
  void aCaptureThatReadsBackFailsAndLeavesTheBackendWorking() {
    try (Backend b = CudaBackend.open(BackendOptions.defaults())) {
      Buffer x = b.allocate(DType.FLOAT32, N);
      long live = b.memoryStats().liveBytes();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.capture(() -> {
        Buffer temp = b.allocate(DType.FLOAT32, N);
        b.fill(temp, 1);
        b.download(temp, new float[N]);
      }));
      assertTrue(e.getMessage().contains("download"), e.getMessage());
      assertEquals(live + 4L * N, b.memoryStats().liveBytes(), "the temporary the failed step never freed");
      b.fill(x, 2);
      assertEquals(2f, download(b, x, N)[N - 1], "the stream is out of capture");
      b.free(x);
    }
  }
}
