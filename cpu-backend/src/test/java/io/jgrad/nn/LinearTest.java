package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Linear's layout and values, Sequential's names, and the fused Linear + activation (+ dropout) path against the
 * unfused one.
 */
class LinearTest extends ReferenceBackendTest {
  @Test
  void computesXTimesWeightTransposedPlusBias() {
    Linear lin = new Linear(backend, DType.FLOAT64, 3, 2, true, Initializer.zeros(), new Generator(1));
    lin.weight().set(Tensor.of(backend, new double[] {1, 2, 3, -1, 0, 1}, 2, 3)); // [out, in], as PyTorch
    lin.bias().set(Tensor.of(backend, new double[] {0.5, -0.5}, 2));
    try (Scope ignored = Scope.open();
        NoGrad noGrad = NoGrad.enter()) {
      Tensor y = lin.forward(Tensor.of(backend, new double[] {1, 1, 1, 2, 0, -1}, 2, 3));
      assertArrayEquals(new double[] {6.5, -0.5, -0.5, -3.5}, y.toDoubleArray(), 1e-12);
      assertEquals(Shape.of(2, 2), y.shape());
    }
    lin.close();
  }

  @Test
  void defaultsToHeUniformWeightsAndZeroBias() {
    Linear lin = new Linear(backend, 50, 40, new Generator(3));
    double bound = Math.sqrt(6.0 / 50);
    double maxAbs = 0;
    for (float w : lin.weight().value().toFloatArray()) {
      maxAbs = Math.max(maxAbs, Math.abs(w));
    }
    assertTrue(maxAbs <= bound && maxAbs > 0.9 * bound, "max |w| " + maxAbs + " vs bound " + bound);
    assertArrayEquals(new float[40], lin.bias().value().toFloatArray());
    assertEquals(DType.FLOAT32, lin.weight().value().dtype());
    assertEquals(50 * 40 + 40, lin.parameterCount());
    lin.close();
  }

  @Test
  void withoutBiasHasOnlyAWeight() {
    Linear lin = new Linear(backend, DType.FLOAT32, 3, 2, false, Initializer.heNormal(), new Generator(1));
    assertNull(lin.bias());
    assertEquals(List.of("weight"), List.copyOf(lin.namedParameters().keySet()));
    lin.close();
  }

  @Test
  void sequentialNamesParametersByPosition() {
    Generator gen = new Generator(1);
    Sequential mlp = new Sequential(new Linear(backend, 4, 3, gen), new ReLU(), new Dropout(0.1, gen),
        new Residual(new Linear(backend, 3, 3, gen)), new LayerNorm(backend, DType.FLOAT32, 3));
    assertEquals(List.of("0.weight", "0.bias", "3.block.weight", "3.block.bias", "4.weight", "4.bias"),
        List.copyOf(mlp.namedParameters().keySet()));
    mlp.close();
  }

  @Test
  void rejectsBadSizesAndInputs() {
    Generator gen = new Generator(1);
    assertThrows(IllegalArgumentException.class, () -> new Linear(backend, 0, 3, gen));
    assertThrows(IllegalArgumentException.class, () -> new Linear(backend, 3, -1, gen));
    Linear lin = new Linear(backend, 3, 2, gen);
    try (Scope ignored = Scope.open()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(backend, 2, 4)));
      assertTrue(e.getMessage().contains("[batch, 3]"), e.getMessage());
    }
    lin.close();
  }

  static List<Supplier<Activation>> activations() {
    return List.of(ReLU::new, () -> new LeakyReLU(0.2), () -> new ELU(1.5), GELU::new, Tanh::new, Sigmoid::new);
  }

  /** float64: the fused kernel and the module-by-module path give the same bits, forward and backward. */
  @ParameterizedTest
  @MethodSource("activations")
  void fusedEqualsUnfused(Supplier<Activation> activation) {
    Activation act = activation.get();
    Linear lin = new Linear(backend, DType.FLOAT64, 5, 4, true, Initializer.xavierNormal(), new Generator(7));
    Sequential fused = new Sequential(lin, act);
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.randn(backend, DType.FLOAT64, Shape.of(6, 5), new Generator(8), 0, 2);
      Tensor yFused = fused.forward(x);
      yFused.sum().backward();
      double[] dwFused = lin.weight().grad().toDoubleArray();
      double[] dbFused = lin.bias().grad().toDoubleArray();
      fused.zeroGrad();
      Tensor yPlain = act.forward(lin.forward(x));
      yPlain.sum().backward();
      assertArrayEquals(yPlain.toDoubleArray(), yFused.toDoubleArray(), 0.0, act.op().name());
      assertArrayEquals(lin.weight().grad().toDoubleArray(), dwFused, 0.0);
      assertArrayEquals(lin.bias().grad().toDoubleArray(), dbFused, 0.0);
    }
    fused.close();
  }

  /**
   * float32 on both CPU backends: Dropout run inside the Linear's epilogue (Sequential) gives the values of the Linear
   * + activation and then the Dropout module, forward and every gradient, for the activations the mask joins (none,
   * ReLU, LeakyReLU) and for one it does not (Tanh: the epilogue, then the product). 37 columns: a vector body and a
   * scalar tail in each row.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cpu", "cpu-scalar"})
  void dropoutInTheEpilogueEqualsTheModulesOneByOne(String backendName) {
    try (Backend b = Backends.create(backendName)) {
      for (Supplier<Activation> activation : List.<Supplier<Activation>>of(() -> null, ReLU::new,
          () -> new LeakyReLU(0.2), Tanh::new)) {
        Activation act = activation.get();
        String what = backendName + " " + (act == null ? "identity" : act.op().name());
        Linear lin = new Linear(b, DType.FLOAT32, 19, 37, true, Initializer.xavierNormal(), new Generator(7));
        Generator masks = new Generator(9);
        Dropout dropout = new Dropout(0.3, masks);
        Sequential fused = act == null ? new Sequential(lin, dropout) : new Sequential(lin, act, dropout);
        try (Scope ignored = Scope.open()) {
          Tensor x = Tensor.randn(b, DType.FLOAT32, Shape.of(6, 19), new Generator(8), 0, 2).requiresGrad(true);
          Tensor weights = Tensor.randn(b, DType.FLOAT32, Shape.of(6, 37), new Generator(10), 0, 1);
          Tensor yFused = fused.forward(x);
          yFused.mul(weights).sum().backward();
          float[][] fusedValues = {yFused.toFloatArray(), x.grad().toFloatArray(),
              lin.weight().grad().toFloatArray(), lin.bias().grad().toFloatArray()};
          fused.zeroGrad();
          x.zeroGrad();
          masks.setOffset(0);
          // The Linear + activation pair fused as without dropout (its last-bit differences: fusedEqualsUnfused).
          Tensor h = act == null ? lin.forward(x) : lin.forward(x, act.op(), act.alpha());
          Tensor yPlain = dropout.forward(h);
          yPlain.mul(weights).sum().backward();
          float[][] plainValues = {yPlain.toFloatArray(), x.grad().toFloatArray(),
              lin.weight().grad().toFloatArray(), lin.bias().grad().toFloatArray()};
          String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
          for (int k = 0; k < names.length; k++) {
            assertSameValues(plainValues[k], fusedValues[k], what + " " + names[k]);
          }
          assertTrue(countZeros(fusedValues[0]) > 0, what + ": the mask dropped something");
        }
        fused.close();
      }
    }
  }

  /** Equal values (a zero's sign aside: a dropped element's gradient is +0 or −0 by path). */
  private static void assertSameValues(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(expected[i] == actual[i], () -> what + " [" + at + "]: " + expected[at] + " against " + actual[at]);
    }
  }

  private static int countZeros(float[] v) {
    int zeros = 0;
    for (float f : v) {
      zeros += f == 0 ? 1 : 0;
    }
    return zeros;
  }

  @Test
  void activationsByCommandLineName() {
    assertEquals(new LeakyReLU(0.01).op(), Activation.named("leaky-relu").op());
    assertEquals(0.01, Activation.named("leaky-relu").alpha());
    assertEquals(1.0, Activation.named("ELU").alpha());
    for (String name : List.of("relu", "gelu", "tanh", "sigmoid")) {
      assertEquals(name.toUpperCase(), Activation.named(name).op().name());
    }
    assertThrows(IllegalArgumentException.class, () -> Activation.named("swish"));
    assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(0));
    assertThrows(IllegalArgumentException.class, () -> new ELU(-1));
  }
}
