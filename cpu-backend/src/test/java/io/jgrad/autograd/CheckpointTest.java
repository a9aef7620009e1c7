package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.ops.Unary;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpointed segments give bit-identical gradients and keep fewer activations. */
class CheckpointTest {
  private static final int BATCH = 16;
  private static final int WIDTH = 32;
  private static final int LAYERS = 8;

  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.create("cpu-scalar");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A ReLU MLP with dropout drawn from {@code dropoutGen}; weights from a fixed seed. */
  private static final class Net {
    final Tensor[] w = new Tensor[LAYERS];
    final Tensor[] b = new Tensor[LAYERS];
    final Generator dropoutGen = new Generator(99);

    Net() {
      Generator init = new Generator(7);
      try (Scope ignored = Scope.detached()) {
        for (int i = 0; i < LAYERS; i++) {
          w[i] = Tensor.randn(backend, DType.FLOAT32, Shape.of(WIDTH, WIDTH), init, 0, Math.sqrt(2.0 / WIDTH)).requiresGrad(true);
          b[i] = Tensor.randn(backend, DType.FLOAT32, Shape.of(WIDTH), init, 0, 0.1).requiresGrad(true);
        }
      }
    }

    Tensor layer(int i, Tensor x) {
      Tensor h = x.matmul(w[i]).biasActivation(b[i], UnaryOp.RELU, 0);
      try (Tensor u = Tensor.rand(backend, DType.FLOAT32, h.shape(), dropoutGen, 0, 1);
          Tensor mask = Unary.apply(UnaryOp.DROPOUT_MASK, 0.2, u)) {
        return h.mul(mask);
      }
    }

    UnaryOperator<Tensor> segment(int from, int to) {
      return x -> {
        Tensor h = x;
        for (int i = from; i < to; i++) {
          h = layer(i, h);
        }
        return h;
      };
    }

    /** Loss over the net split into {@code segments} checkpointed segments (0: no checkpointing). */
    Tensor loss(Tensor x, int segments) {
      Tensor h = x;
      if (segments == 0) {
        h = segment(0, LAYERS).apply(h);
      } else {
        int per = LAYERS / segments;
        for (int s = 0; s < segments; s++) {
          h = Checkpoint.apply(segment(s * per, (s + 1) * per), h);
        }
      }
      return h.mean();
    }

    float[][] grads() {
      float[][] g = new float[2 * LAYERS][];
      for (int i = 0; i < LAYERS; i++) {
        g[2 * i] = w[i].grad().toFloatArray();
        g[2 * i + 1] = b[i].grad().toFloatArray();
      }
      return g;
    }
  }

  private static float[][] gradients(int segments, long[] peakBytes) {
    Net net = new Net();
    Tensor x = Tensor.randn(backend, DType.FLOAT32, Shape.of(BATCH, WIDTH), new Generator(3), 0, 1);
    ActivationMemory.resetPeak();
    try (Scope ignored = Scope.open()) {
      net.loss(x, segments).backward();
    }
    peakBytes[0] = ActivationMemory.peakBytes();
    assertEquals(0, ActivationMemory.currentBytes(), "every saved activation is freed after backward");
    return net.grads();
  }

  @Test
  void gradientsAreBitIdenticalWithDropout() {
    long[] plainPeak = new long[1];
    long[] ckptPeak = new long[1];
    float[][] plain = gradients(0, plainPeak);
    float[][] ckpt = gradients(4, ckptPeak);
    for (int i = 0; i < plain.length; i++) {
      assertArrayEquals(plain[i], ckpt[i], 0f, "gradient " + i);
    }
    assertTrue(ckptPeak[0] < plainPeak[0], "checkpointing keeps fewer activations: " + ckptPeak[0] + " vs " + plainPeak[0]);
  }

  @Test
  void activationBytesOfTheUncheckpointedNetAreWhatBackwardNeeds() {
    long[] peak = new long[1];
    gradients(0, peak);
    // Per layer: matmul saves its input, bias+ReLU its output (which is the dropout-mul's input: not saved again,
    // since mul needs only the mask), and the mask. The ReLU output is also not the next matmul's input (dropout's
    // output is), so per layer: input + relu output + mask = 3 B×W float32 buffers.
    long bw = (long) BATCH * WIDTH * 4;
    assertEquals(3 * LAYERS * bw, peak[0]);
  }
}
