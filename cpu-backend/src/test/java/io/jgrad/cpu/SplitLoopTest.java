package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.ReducedFloats;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The element-wise loops split over the kernel threads: every element once, pieces starting where the vector body
 * of a whole-array loop would, and AdamW, SGD and the element-wise ops on two and three threads bit-identical to one
 * thread (the code path the conformance suite checks against the equations) at a recipe layer's size and at ragged
 * sizes around the split, the binary ops also in place, a 16-bit copy of the params holding the updated params rounded
 * in every piece.
 */
class SplitLoopTest {

  @Test
  void everyElementRunsOnceInPiecesThatStartAtPieceBoundaries() {
    int[] sizes = {1, SplitLoop.MIN - 1, SplitLoop.MIN, 5 * SplitLoop.PIECE + 17};
    for (int threads : new int[] {1, 2, 3}) {
      try (WorkerTeam team = new WorkerTeam(threads)) {
        SplitLoop loop = new SplitLoop(team);
        for (int n : sizes) {
          AtomicIntegerArray seen = new AtomicIntegerArray(n);
          loop.run(n, (from, to) -> {
            assertTrue(from % SplitLoop.PIECE == 0 && from < to && to <= n, "piece [" + from + ", " + to + ")");
            for (int i = from; i < to; i++) {
              seen.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), threads + " threads, n " + n + ": element " + i);
          }
        }
      }
    }
  }

  @Test
  void adamStepOnSeveralThreadsMatchesOneThreadBitForBit() {
    for (boolean decoupled : new boolean[] {true, false}) {
      assertSameBitsOnEveryThreadCount(decoupled ? "adamw" : "adam", (state, k) -> state.steps(k, decoupled));
    }
  }

  @Test
  void sgdStepOnSeveralThreadsMatchesOneThreadBitForBit() {
    for (boolean nesterov : new boolean[] {true, false}) {
      assertSameBitsOnEveryThreadCount(nesterov ? "nesterov" : "momentum", (state, k) -> state.sgdSteps(k, nesterov));
    }
  }

  @Test
  void elementWiseOpsOnSeveralThreadsMatchOneThreadBitForBit() {
    int n = 3 * SplitLoop.PIECE + 21;
    Random r = new Random(n);
    float[] x = new float[n];
    float[] dy = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
      dy[i] = (float) r.nextGaussian();
    }
    try (VectorKernels one = new VectorKernels(1); VectorKernels three = new VectorKernels(3)) {
      for (UnaryOp op : UnaryOp.values()) {
        float[][] y = new float[2][n];
        float[][] dx = new float[2][n];
        VectorKernels[] kernels = {one, three};
        for (int k = 0; k < 2; k++) {
          kernels[k].unary(op, 0.2f, x, y[k], n);
          if (op != UnaryOp.DROPOUT_MASK) { // a mask has no gradient
            kernels[k].unaryBackward(op, 0.2f, x, dy, dx[k], n);
          }
        }
        assertArrayEquals(y[0], y[1], op + " on " + three);
        assertArrayEquals(dx[0], dx[1], op + "'s gradient on " + three);
      }
      for (BinaryOp op : BinaryOp.values()) {
        float[][] z = new float[2][n];
        float[][] inPlace = {x.clone(), x.clone()}; // out = a, as autograd's gradient sums are
        VectorKernels[] kernels = {one, three};
        for (int k = 0; k < 2; k++) {
          kernels[k].binary(op, x, dy, false, z[k], 1, n);
          kernels[k].binary(op, inPlace[k], dy, false, inPlace[k], 1, n);
        }
        assertArrayEquals(z[0], z[1], op + " on " + three);
        assertArrayEquals(z[0], inPlace[1], op + " in place on " + three);
      }
    }
  }

  /** The steps on two and three threads leave one thread's bits, at a recipe layer's size and around the split. */
  private static void assertSameBitsOnEveryThreadCount(String what, BiConsumer<State, VectorKernels> steps) {
    int[] sizes = {SplitLoop.MIN + 3, 3 * SplitLoop.PIECE + 21, 784 * 512};
    try (VectorKernels one = new VectorKernels(1);
        VectorKernels two = new VectorKernels(2);
        VectorKernels three = new VectorKernels(3)) {
      for (int n : sizes) {
        for (DType copyType : new DType[] {null, DType.BFLOAT16, DType.FLOAT16}) {
          State expected = new State(n, copyType);
          steps.accept(expected, one);
          for (VectorKernels several : new VectorKernels[] {two, three}) {
            State actual = new State(n, copyType);
            steps.accept(actual, several);
            expected.assertSameBits(actual, several + ", n " + n + ", copy " + copyType + ", " + what);
          }
        }
      }
    }
  }

  /** Parameters, gradients and moments drawn from one seed, so two instances start equal. */
  private static final class State {
    final float[] p;
    final float[] g;
    final float[] m;
    final float[] v;
    final short[] copy;
    final DType copyType;

    State(int n, DType copyType) {
      Random r = new Random(n);
      p = new float[n];
      g = new float[n];
      m = new float[n];
      v = new float[n];
      for (int i = 0; i < n; i++) {
        p[i] = (float) r.nextGaussian() * 0.05f;
        g[i] = (float) r.nextGaussian() * 1e-3f;
      }
      this.copyType = copyType;
      this.copy = copyType == null ? null : new short[n];
    }

    /** Three steps, each with its own bias corrections. */
    void steps(VectorKernels k, boolean decoupled) {
      for (int step = 1; step <= 3; step++) {
        float bias1 = (float) (1 - Math.pow(0.9, step));
        float bias2 = (float) (1 - Math.pow(0.999, step));
        k.adamStep(p, copy, copyType, g, m, v, p.length, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, bias1, bias2);
      }
    }

    /** Three SGD steps with momentum (the velocity in m) and weight decay, the first one starting the velocity. */
    void sgdSteps(VectorKernels k, boolean nesterov) {
      for (int step = 1; step <= 3; step++) {
        k.sgdStep(p, copy, copyType, g, m, p.length, 1e-2f, 0.9f, 0.1f, 1e-4f, nesterov, step == 1);
      }
    }

    void assertSameBits(State other, String what) {
      for (int i = 0; i < p.length; i++) {
        int at = i;
        assertEquals(Float.floatToIntBits(p[i]), Float.floatToIntBits(other.p[i]), () -> what + ": p[" + at + "]");
        assertEquals(Float.floatToIntBits(m[i]), Float.floatToIntBits(other.m[i]), () -> what + ": m[" + at + "]");
        assertEquals(Float.floatToIntBits(v[i]), Float.floatToIntBits(other.v[i]), () -> what + ": v[" + at + "]");
        if (copy != null) {
          assertEquals(ReducedFloats.toBits(copyType, other.p[i]), other.copy[i], () -> what + ": copy[" + at + "]");
          assertEquals(copy[i], other.copy[i], () -> what + ": copy[" + at + "] against one thread's");
        }
      }
    }
  }
}
