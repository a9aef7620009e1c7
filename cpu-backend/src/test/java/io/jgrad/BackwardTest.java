package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** The executor's contract: order, fan-out, accumulation, freeing, grad mode, and its errors. */
class BackwardTest extends ReferenceBackendTest {
  @Test
  void tenThousandOpChainDoesNotOverflowTheStack() {
    Tensor x = Tensor.of(backend, new double[] {1.0}).requiresGrad(true);
    try (Scope ignored = Scope.open()) {
      Tensor y = x;
      for (int i = 0; i < 10_000; i++) {
        y = y.mul(1.0001);
      }
      y.sum().backward();
    }
    assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-9);
  }

  /**
   * A 1,000-layer MLP, forward, backward and freeing, on a thread with a 256 KB stack (a quarter of the JVM's default):
   * neither the executor nor the release of the graph may recurse per layer.
   */
  @Test
  void aThousandLayerNetTrainsOnASmallStack() throws InterruptedException {
    Throwable[] failure = new Throwable[1];
    double[] gradSum = new double[1];
    Thread t = new Thread(null, () -> {
      try (Scope ignored = Scope.open()) {
        Generator gen = new Generator(7);
        Tensor x = Tensor.rand(backend, DType.FLOAT64, Shape.of(2, 4), gen, -1, 1).requiresGrad(true);
        Tensor y = x;
        for (int layer = 0; layer < 1_000; layer++) {
          Tensor w = Tensor.rand(backend, DType.FLOAT64, Shape.of(4, 4), gen, -0.5, 0.5);
          y = y.matmul(w).tanh().add(y);
        }
        y.sum().backward();
        gradSum[0] = x.grad().sum().item();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    assertNull(failure[0], () -> "deep net failed: " + failure[0]);
    assertTrue(Double.isFinite(gradSum[0]), "gradient " + gradSum[0]);
  }

  @Test
  void leavesAccumulateAcrossCallsUntilZeroed() {
    Tensor x = Tensor.of(backend, new double[] {3.0}).requiresGrad(true);
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    assertEquals(12.0, x.grad().item(), 0);
    x.setGrad(null);
    assertNull(x.grad());
    x.mul(5).sum().backward();
    assertEquals(5.0, x.grad().item(), 0);
  }

  @Test
  void zeroGradMakesTheNextBackwardOverwriteTheGradientInItsBuffer() {
    Tensor x = Tensor.of(backend, new double[] {3.0, -1.0}).requiresGrad(true);
    x.mul(x).sum().backward();
    Tensor before = x.grad();
    assertArrayEquals(new double[] {6.0, -2.0}, before.toDoubleArray(), 0);
    x.zeroGrad();
    // The first gradient after zeroGrad replaces the old values (not added to them); x·x sends two, the second adds.
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {6.0, -2.0}, x.grad().toDoubleArray(), 0);
    x.mul(5).sum().backward();
    assertArrayEquals(new double[] {11.0, 3.0}, x.grad().toDoubleArray(), 0);
    assertSame(before, x.grad(), "the gradient keeps its buffer across steps");
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> Backward.accumulate(x, Tensor.of(backend, new double[] {1.0}), false));
    assertTrue(e.getMessage().contains("gradient [] float64 does not match .grad [2]"), e.getMessage());
  }

  @Test
  void aGradientNoBackwardReachedAfterZeroGradReadsAsZeros() {
    Tensor x = Tensor.of(backend, new double[] {3.0, -1.0}).requiresGrad(true);
    x.mul(x).sum().backward();
    x.zeroGrad();
    assertArrayEquals(new double[] {0.0, 0.0}, x.grad().toDoubleArray(), 0);
    x.mul(2).sum().backward();
    assertArrayEquals(new double[] {2.0, 2.0}, x.grad().toDoubleArray(), 0);
    x.zeroGrad();
    x.setGrad(null);
    x.zeroGrad();
    assertNull(x.grad());
  }

  @Test
  void aZeroedGradientNeverTakesStorageThatSomethingElseHolds() {
    Tensor x = Tensor.of(backend, new double[] {1.0, 2.0}).requiresGrad(true);
    x.mul(x).sum().backward();
    x.zeroGrad();
    x.add(x).sum().backward(); // add hands one tensor to both of its inputs
    assertArrayEquals(new double[] {2.0, 2.0}, x.grad().toDoubleArray(), 0);
    Tensor viewed = Tensor.of(backend, new double[] {1.0, 1.0}, 1, 2);
    Tensor passed = Tensor.of(backend, new double[] {1.0, 1.0});
    Tensor constant = Tensor.of(backend, new double[] {5.0, 5.0});
    // The caller's gradient comes back as a view (reshape) and as itself (add): both are copied, never taken.
    for (Tensor[] rootAndSeed : new Tensor[][] {{x.reshape(1, 2), viewed}, {x.add(constant), passed}}) {
      x.zeroGrad();
      rootAndSeed[0].backward(rootAndSeed[1], false);
      x.mul(3).sum().backward();
      assertArrayEquals(new double[] {4.0, 4.0}, x.grad().toDoubleArray(), 0);
      assertArrayEquals(new double[] {1.0, 1.0}, rootAndSeed[1].toDoubleArray(), 0);
    }
  }

  @Test
  void secondBackwardThroughAFreedGraphIsAnError() {
    Tensor x = Tensor.of(backend, new double[] {2.0}).requiresGrad(true);
    Tensor y = x.exp().sum();
    y.backward();
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
  }

  @Test
  void retainGraphAllowsASecondBackward() {
    Tensor x = Tensor.of(backend, new double[] {2.0}).requiresGrad(true);
    Tensor y = x.exp().sum();
    Tensor one = Tensor.of(backend, new double[] {1.0});
    y.backward(one.view(Shape.scalar()), true);
    y.backward(one.view(Shape.scalar()), false);
    assertEquals(2 * Math.exp(2.0), x.grad().item(), 1e-12);
  }

  @Test
  void summingIntoAViewOfTheCallersGradientLeavesItUnchanged() {
    Tensor x = Tensor.of(backend, new double[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
    Tensor h = x.mul(1.0); // non-leaf, used twice below
    Tensor y = h.add(h).reshape(4); // reshape hands add a view of gradOut, which add hands to h twice
    Tensor gradOut = Tensor.of(backend, new double[] {1, 1, 1, 1}, 4);
    y.backward(gradOut, false);
    assertArrayEquals(new double[] {1, 1, 1, 1}, gradOut.toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 2, 2, 2}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void noGradRecordsNothingAndDetachCutsTheGraph() {
    Tensor x = Tensor.of(backend, new double[] {2.0}).requiresGrad(true);
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor y = x.mul(3);
      assertFalse(y.requiresGrad());
      assertNull(y.gradFn());
    }
    assertTrue(NoGrad.isGradEnabled());
    Tensor d = x.mul(3).detach();
    assertFalse(d.requiresGrad());
    Tensor z = x.mul(d).sum(); // d is a constant 6
    z.backward();
    assertEquals(6.0, x.grad().item(), 0);
  }

  @Test
  void requiresGradPropagatesOnlyFromInputsThatNeedIt() {
    Tensor a = Tensor.of(backend, new double[] {1, 2}, 2);
    Tensor b = Tensor.of(backend, new double[] {3, 4}, 2).requiresGrad(true);
    assertFalse(a.add(a).requiresGrad());
    Tensor c = a.mul(b);
    assertTrue(c.requiresGrad());
    c.sum().backward();
    assertNull(a.grad());
    assertArrayEquals(new double[] {1, 2}, b.grad().toDoubleArray(), 0);
  }

  @Test
  void backwardOnANonScalarNeedsItsGradient() {
    Tensor x = Tensor.of(backend, new double[] {1, 2}, 2).requiresGrad(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.mul(2).backward());
    assertTrue(e.getMessage().contains("[2]"), e.getMessage());
  }

  @Test
  void shapeErrorsNameTheOpAndBothShapes() {
    Tensor a = Tensor.zeros(backend, 2, 3);
    Tensor b = Tensor.zeros(backend, 4, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    assertEquals("matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
    assertTrue(e.getMessage().startsWith("add: shapes [2,3] and [4,5] do not broadcast"), e.getMessage());
  }

  @Test
  void mixingFloatsAndIntegersIsAnErrorNotAConversion() {
    Tensor f = Tensor.zeros(backend, 2);
    Tensor i = Tensor.zeros(backend, DType.INT32, Shape.of(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.mul(i));
    assertEquals("mul: dtypes differ (float32 and int32); convert explicitly", e.getMessage());
  }

  @Test
  void savedTensorsAreFreedAfterBackwardAndCounted() {
    Tensor w = Tensor.randn(backend, DType.FLOAT32, Shape.of(8, 8), new Generator(1), 0, 1).requiresGrad(true);
    long before = backend.memoryStats().liveBytes();
    long base = ActivationMemory.currentBytes();
    ActivationMemory.resetPeak();
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.ones(backend, 4, 8);
      Tensor h = x.matmul(w).tanh(); // saves x (matmul) and h (tanh); w is a parameter, not an activation
      assertEquals(base + 2 * 4 * 8 * 4, ActivationMemory.currentBytes());
      h.sum().backward();
      assertEquals(base, ActivationMemory.currentBytes());
    }
    assertEquals(base + 2 * 4 * 8 * 4, ActivationMemory.peakBytes());
    // Only w's new .grad survives the scope.
    assertEquals(before + w.bytes(), backend.memoryStats().liveBytes());
  }

  @Test
  void closedTensorsSayWhatTheyWere() {
    Tensor t = Tensor.zeros(backend, 2, 2);
    t.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
    assertEquals("tensor [2,2] float32 was closed and cannot be used", e.getMessage());
  }

  /** A custom op whose backward returns a gradient of the wrong shape. */
  private static final class Widening extends Function {
    Tensor apply(Tensor x) {
      return connect(x.mul(2.0), x);
    }

    @Override
    protected Tensor[] backward(Tensor gradOut) {
      return new Tensor[] {gradOut.reshape(1, (int) gradOut.size())};
    }
  }

  @Test
  void aGradientOfTheWrongShapeNamesTheOpAndTheInput() {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.of(backend, new double[] {1, 2, 3}).requiresGrad(true);
      Tensor y = new Widening().apply(x);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
      assertEquals("backward of Widening: gradient for input 0 is [1,3] float64, expected [3] float64", e.getMessage());
      IllegalStateException root = assertThrows(IllegalStateException.class,
          () -> y.backward(Tensor.zeros(backend, 4), false));
      assertEquals("backward of backward: gradient for input 0 is [4] float32, expected [3] float64",
          root.getMessage());
    }
  }
}
