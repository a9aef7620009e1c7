package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.CheckpointedSequential;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Checkpointed segments give bit-identical gradients and keep fewer activations. */
class CheckpointTest extends ReferenceBackendTest {
  private static final int BATCH = 16;
  private static final int WIDTH = 32;
  private static final int LAYERS = 8;

  /** A ReLU MLP with dropout drawn from {@code dropoutGen}; weights from a fixed seed. */
  private static final class Net {
    final Tensor[] w = new Tensor[LAYERS];
    final Tensor[] b = new Tensor[LAYERS];
    final Generator dropoutGen = new Generator(99);

    Net() {
      Generator init = new Generator(7);
      try (Scope ignored = Scope.detached()) {
        for (int i = 0; i < LAYERS; i++) {
          w[i] = Tensor.randn(backend, DType.FLOAT32, Shape.of(WIDTH, WIDTH), init, 0, Math.sqrt(2.0 / WIDTH))
              .requiresGrad(true);
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
    backend.resetPeak();
    long base = backend.memoryStats().liveBytes();
    try (Scope ignored = Scope.open()) {
      net.loss(x, segments).backward();
    }
    peakBytes[0] = ActivationMemory.peakBytes();
    peakBytes[1] = backend.memoryStats().peakBytes() - base;
    assertEquals(0, ActivationMemory.currentBytes(), "every saved activation is freed after backward");
    return net.grads();
  }

  @Test
  void gradientsAreBitIdenticalWithDropout() {
    long[] plainPeak = new long[2];
    long[] ckptPeak = new long[2];
    float[][] plain = gradients(0, plainPeak);
    float[][] ckpt = gradients(4, ckptPeak);
    for (int i = 0; i < plain.length; i++) {
      assertArrayEquals(plain[i], ckpt[i], 0f, "gradient " + i);
    }
    assertTrue(
        ckptPeak[0] < plainPeak[0], "checkpointing keeps fewer activations: " + ckptPeak[0] + " vs " + plainPeak[0]);
    // and the memory really goes back: the segments' intermediates are freed, not only uncounted
    assertTrue(ckptPeak[1] < plainPeak[1], "peak live bytes " + ckptPeak[1] + " vs " + plainPeak[1]);
  }

  /** A stack with every kind of layer a checkpoint must replay faithfully: dropout masks and BatchNorm statistics. */
  private static Sequential stack() {
    Generator init = new Generator(21);
    Generator drop = new Generator(22);
    List<Module> layers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      layers.add(new Linear(backend, WIDTH, WIDTH, init));
      layers.add(new BatchNorm1d(backend, DType.FLOAT32, WIDTH));
      layers.add(new ReLU());
      layers.add(new Dropout(0.3, drop));
    }
    layers.add(new Linear(backend, WIDTH, 4, init));
    return new Sequential(layers.toArray(new Module[0]));
  }

  private static List<float[]> step(Module model) {
    Tensor x = Tensor.randn(backend, DType.FLOAT32, Shape.of(BATCH, WIDTH), new Generator(4), 0, 1);
    Tensor labels = Tensor.of(backend, new int[BATCH], BATCH);
    try (Scope ignored = Scope.open()) {
      model.forward(x).crossEntropy(labels).backward();
    }
    List<float[]> out = new ArrayList<>();
    model.parameters().forEach(p -> out.add(p.grad().toFloatArray()));
    model.namedBuffers().values().forEach(slot -> out.add(slot[0].toFloatArray()));
    return out;
  }

  @Test
  void checkpointedSequentialMatchesThePlainStackBitForBit() {
    List<float[]> plain = step(stack());
    CheckpointedSequential ckpt = stack().checkpointed(3);
    assertEquals(3, ckpt.segments());
    List<float[]> checkpointed = step(ckpt);
    assertEquals(plain.size(), checkpointed.size());
    for (int i = 0; i < plain.size(); i++) {
      // gradients, then BatchNorm's running statistics: updated once, not again by the recompute
      assertArrayEquals(plain.get(i), checkpointed.get(i), 0f, "tensor " + i);
    }
  }

  /**
   * No cut falls between a batch norm and the max-pool run with it as one op, nor between a Linear and its activation:
   * a segment per pair, not per layer, even where that leaves fewer segments than asked for (which once ran past the
   * last layer).
   */
  @Test
  void checkpointingKeepsFusedPairsWhole() {
    Sequential cnn = new Sequential(new BatchNorm2d(backend, DType.FLOAT32, 2), new MaxPool2d(2),
        new BatchNorm2d(backend, DType.FLOAT32, 2), new MaxPool2d(2));
    assertEquals(2, cnn.checkpointed(4).segments());
    Sequential mlp = new Sequential(new Linear(backend, 3, 3, new Generator(1)), new ReLU(),
        new Linear(backend, 3, 3, new Generator(2)), new ReLU());
    assertEquals(2, mlp.checkpointed(4).segments());
  }

  @Test
  void activationBytesOfTheUncheckpointedNetAreWhatBackwardNeeds() {
    long[] peak = new long[2];
    gradients(0, peak);
    // Per layer: matmul saves its input, bias+ReLU its output (which is the dropout-mul's input: not saved again,
    // since mul needs only the mask), and the mask. The ReLU output is also not the next matmul's input (dropout's
    // output is), so per layer: input + relu output + mask = 3 B×W float32 buffers.
    long bw = (long) BATCH * WIDTH * 4;
    assertEquals(3 * LAYERS * bw, peak[0]);
  }
}
