package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.init.Initializer;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Tanh;
import io.jgrad.optim.SGD;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The autocast policy on the reference backend: which dtypes flow where, gradients against float64, saved activation
 * bytes, the parameters' 16-bit copies after a step, and checkpoint/dropout replay under autocast.
 */
class AutocastTest extends ReferenceBackendTest {
  private static final int BATCH = 16;
  private static final int WIDTH = 24;
  private static final int CLASSES = 5;

  @Test
  void gemmsRunIn16BitsWhileTheLossAndTheMastersStayFloat32() {
    Sequential model = mlp(DType.FLOAT32, 0);
    try (Scope ignored = Scope.open()) {
      Tensor x = input(DType.FLOAT32);
      Tensor logits;
      Tensor loss;
      try (Autocast a = Autocast.enter(DType.BFLOAT16)) {
        assertEquals(DType.BFLOAT16, Autocast.current());
        logits = model.forward(x);
        loss = logits.crossEntropy(labels());
        try (Autocast off = Autocast.enter(DType.FLOAT32)) {
          assertNull(Autocast.current(), "FLOAT32 turns autocast off inside");
        }
        Tensor x64 = input(DType.FLOAT64);
        assertEquals(DType.FLOAT64, x64.matmul(x64, Transposed.SECOND).dtype(), "float64 is never autocast");
      }
      assertNull(Autocast.current(), "closing restores the mode before");
      assertEquals(DType.BFLOAT16, logits.dtype(), "a GEMM's result is 16-bit");
      assertEquals(DType.FLOAT32, loss.dtype(), "the loss stays float32");
      loss.backward();
      for (Parameter p : model.parameters()) {
        assertEquals(DType.FLOAT32, p.value().dtype(), "master weights stay float32");
        assertEquals(DType.FLOAT32, p.grad().dtype(), "their gradients too");
      }
    }
  }

  /**
   * The policy's gradients against float64 ones of the same weights and inputs: within a few 16-bit roundoffs,
   * relative in norm per parameter, and visibly not float32's (the 16-bit path really ran).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
  void gradientsMatchFloat64WithinThe16BitTolerance(DType low) {
    double unit = low == DType.BFLOAT16 ? 0x1p-8 : 0x1p-11;
    List<double[]> exact = gradients(DType.FLOAT64, null);
    List<double[]> mixed = gradients(DType.FLOAT32, low);
    List<double[]> single = gradients(DType.FLOAT32, null);
    for (int i = 0; i < exact.size(); i++) {
      double err = relativeError(mixed.get(i), exact.get(i));
      assertTrue(err <= 8 * unit, low + " gradient " + i + ": relative error " + err + " > 8u = " + 8 * unit);
      assertTrue(err > 8 * relativeError(single.get(i), exact.get(i)), low + " gradient " + i + ": error " + err
          + " is float32's: the 16-bit path did not run");
    }
  }

  @Test
  void savedActivationsTakeHalfTheBytes() {
    long fp32 = peakActivationBytes(null);
    long bf16 = peakActivationBytes(DType.BFLOAT16);
    // Six B×W buffers in 16 bits: the input; the tanh layer's output, its dropout mask and their product (tanh's
    // derivative needs the unmasked output); the ReLU layer's masked output, which the next GEMM and the fused
    // epilogue's backward both read, and its mask. Then the logits (the last bias epilogue's output, B×C); only the
    // loss's probabilities (B×C float32) and labels keep 4 bytes, and the parameters' copies are not activations.
    assertTrue(bf16 <= 0.55 * fp32, "bf16 " + bf16 + " vs fp32 " + fp32);
    assertEquals(6L * BATCH * WIDTH * 2 + BATCH * CLASSES * (2 + 4) + BATCH * 4, bf16, "bf16 bytes");
    assertEquals(6L * BATCH * WIDTH * 4 + BATCH * CLASSES * (4 + 4) + BATCH * 4, fp32, "fp32 bytes");
  }

  @Test
  void theOptimizerStepRewritesThe16BitCopyTheNextForwardReads() {
    Sequential trained = mlp(DType.FLOAT32, 0);
    try (SGD sgd = new SGD(trained.namedParameters(), 0.5)) {
      for (int step = 0; step < 2; step++) {
        try (Scope ignored = Scope.open()) {
          try (Autocast a = Autocast.enter(DType.BFLOAT16)) {
            trained.forward(input(DType.FLOAT32)).crossEntropy(labels()).backward();
          }
          sgd.step();
        }
      }
    }
    Sequential fresh = mlp(DType.FLOAT32, 0);
    for (int i = 0; i < fresh.parameters().size(); i++) {
      fresh.parameters().get(i).set(trained.parameters().get(i).value().copy());
    }
    trained.train(false);
    fresh.train(false);
    try (Scope ignored = Scope.open(); Autocast a = Autocast.enter(DType.BFLOAT16)) {
      float[] afterSteps = trained.forward(input(DType.FLOAT32)).toFloatArray();
      float[] loaded = fresh.forward(input(DType.FLOAT32)).toFloatArray();
      assertArrayEquals(loaded, afterSteps, 0f, "a forward after steps reads the stepped weights' copy");
    }
  }

  @Test
  void checkpointedGradientsEqualThePlainOnesUnderAutocastDropoutIncluded() {
    List<double[]> plain = checkpointGradients(0);
    List<double[]> checkpointed = checkpointGradients(2);
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), checkpointed.get(i), 0, "gradient " + i);
    }
    assertNotEquals(0, plain.get(0)[0], "a gradient flowed");
  }

  private List<double[]> checkpointGradients(int segments) {
    Sequential model = mlp(DType.FLOAT32, 0.3);
    Module run = segments == 0 ? model : model.checkpointed(segments);
    try (Scope ignored = Scope.open()) {
      Tensor loss;
      try (Autocast a = Autocast.enter(DType.BFLOAT16)) {
        loss = run.forward(input(DType.FLOAT32)).crossEntropy(labels());
      }
      loss.backward(); // a checkpoint's recompute runs here, outside the region: it must restore bf16 itself
    }
    return grads(model);
  }

  private long peakActivationBytes(DType low) {
    Sequential model = mlp(DType.FLOAT32, 0.2);
    try (Scope ignored = Scope.open()) {
      Tensor x = input(DType.FLOAT32);
      ActivationMemory.resetPeak();
      long before = ActivationMemory.currentBytes();
      Tensor loss;
      try (Autocast a = Autocast.enter(low == null ? DType.FLOAT32 : low)) {
        loss = model.forward(x).crossEntropy(labels());
      }
      long peak = ActivationMemory.peakBytes() - before;
      loss.backward();
      return peak;
    }
  }

  private List<double[]> gradients(DType dtype, DType low) {
    Sequential model = mlp(dtype, 0);
    try (Scope ignored = Scope.open()) {
      Tensor loss;
      try (Autocast a = Autocast.enter(low == null ? DType.FLOAT32 : low)) {
        loss = model.forward(input(dtype)).crossEntropy(labels());
      }
      loss.backward();
    }
    return grads(model);
  }

  private static List<double[]> grads(Module model) {
    List<double[]> out = new ArrayList<>();
    model.parameters().forEach(p -> out.add(p.grad().toDoubleArray()));
    return out;
  }

  private static double relativeError(double[] a, double[] b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      norm += b[i] * b[i];
    }
    return Math.sqrt(diff / norm);
  }

  /** Three layers, tanh then ReLU (fused with their bias), each followed by dropout when p > 0. */
  private static Sequential mlp(DType dtype, double dropout) {
    Generator init = new Generator(7);
    Generator drop = new Generator(8);
    List<Module> layers = new ArrayList<>();
    layers.add(new Linear(backend, dtype, WIDTH, WIDTH, true, Initializer.xavierUniform(), init));
    layers.add(new Tanh());
    if (dropout > 0) {
      layers.add(new Dropout(dropout, drop));
    }
    layers.add(new Linear(backend, dtype, WIDTH, WIDTH, true, Initializer.heUniform(), init));
    layers.add(new ReLU());
    if (dropout > 0) {
      layers.add(new Dropout(dropout, drop));
    }
    layers.add(new Linear(backend, dtype, WIDTH, CLASSES, true, Initializer.xavierUniform(), init));
    return new Sequential(layers.toArray(new Module[0]));
  }

  private static Tensor input(DType dtype) {
    return Tensor.randn(backend, dtype, Shape.of(BATCH, WIDTH), new Generator(3), 0, 1);
  }

  private static Tensor labels() {
    int[] y = new int[BATCH];
    for (int i = 0; i < BATCH; i++) {
      y[i] = (i * 7) % CLASSES;
    }
    return Tensor.of(backend, y, BATCH);
  }
}
