package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.testing.ReferenceBackendTest;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The classic worked examples of backprop as exact tests, in float64. The expected values come from exact arithmetic
 * (printed walkthroughs round intermediates; these do not).
 */
class WorkedExamplesTest extends ReferenceBackendTest {
  /** float64 kernels round differently from the printed decimals only in the last place or so. */
  private static final double EXACT = 1e-12;

  /** The sigmoid example's values are given to 7 decimals. */
  private static final double SEVEN_DECIMALS = 5e-8;

  private static Tensor leaf(double v) {
    return Tensor.of(backend, new double[] {v}).requiresGrad(true);
  }

  private static Tensor leaf(double[] v, int... dims) {
    return Tensor.of(backend, v, dims).requiresGrad(true);
  }

  @Test
  void sumThenProduct() {
    Tensor x = leaf(-2);
    Tensor y = leaf(5);
    Tensor z = leaf(-4);
    Tensor f = x.add(y).mul(z);
    f.backward();
    assertEquals(-12, f.item(), EXACT);
    assertEquals(-4, x.grad().item(), EXACT);
    assertEquals(-4, y.grad().item(), EXACT);
    assertEquals(3, z.grad().item(), EXACT);
  }

  @Test
  void sigmoidNeuron() {
    Tensor w0 = leaf(2);
    Tensor x0 = leaf(-1);
    Tensor w1 = leaf(-3);
    Tensor x1 = leaf(-2);
    Tensor w2 = leaf(-3);
    Tensor f = w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid();
    f.backward();
    assertEquals(0.7310586, f.item(), SEVEN_DECIMALS);
    double sigmoidPrime = f.item() * (1 - f.item());
    assertEquals(0.1966119, sigmoidPrime, SEVEN_DECIMALS);
    assertEquals(-0.1966119, w0.grad().item(), SEVEN_DECIMALS);
    assertEquals(0.3932239, x0.grad().item(), SEVEN_DECIMALS);
    assertEquals(-0.3932239, w1.grad().item(), SEVEN_DECIMALS);
    assertEquals(-0.5898358, x1.grad().item(), SEVEN_DECIMALS);
    assertEquals(0.1966119, w2.grad().item(), SEVEN_DECIMALS);
  }

  /** y = relu(xW + b), computed by {@code layer}; the bias has shape {@code biasDims}. */
  private static void assertReluLayer(Function<Tensor[], Tensor> layer, int... biasDims) {
    Tensor x = leaf(new double[] {1, 2}, 1, 2);
    Tensor w = leaf(new double[] {0.5, -0.3, 0.8, 0.1}, 2, 2);
    Tensor b = leaf(new double[] {0.1, -0.2}, biasDims);
    Tensor y = layer.apply(new Tensor[] {x, w, b});
    y.backward(Tensor.of(backend, new double[] {1, 1}, 1, 2), false);
    assertArrayEquals(new double[] {2.2, 0}, y.toDoubleArray(), EXACT);
    assertArrayEquals(new double[] {1, 0, 2, 0}, w.grad().toDoubleArray(), EXACT);
    assertArrayEquals(new double[] {1, 0}, b.grad().toDoubleArray(), EXACT);
    assertArrayEquals(new double[] {0.5, 0.8}, x.grad().toDoubleArray(), EXACT);
  }

  @Test
  void reluLayer() {
    assertReluLayer(t -> t[0].matmul(t[1]).biasActivation(t[2], UnaryOp.RELU, 0), 2);
  }

  @Test
  void reluLayerUnfused() {
    assertReluLayer(t -> t[0].matmul(t[1]).add(t[2]).relu(), 1, 2);
  }

  @Test
  void matmulTwoByThreeTimesThreeByFour() {
    Tensor x = leaf(new double[] {2, 1, -3, -3, 4, 2}, 2, 3);
    Tensor w = leaf(new double[] {3, 2, 1, -1, 2, 1, 3, 2, 3, 2, 1, -2}, 3, 4);
    Tensor y = x.matmul(w);
    assertArrayEquals(new double[] {-1, -1, 2, 6, 5, 2, 11, 7}, y.toDoubleArray(), EXACT);
    y.backward(Tensor.of(backend, new double[] {2, 3, -3, 9, -8, 1, 4, 6}, 2, 4), false);
    assertArrayEquals(new double[] {0, 16, -9, -24, 9, -30}, x.grad().toDoubleArray(), EXACT);
    assertArrayEquals(
        new double[] {28, 3, -18, 0, -30, 7, 13, 33, -22, -7, 17, -15}, w.grad().toDoubleArray(), EXACT);
  }

  @Test
  void valueUsedTwiceGetsBothPaths() {
    for (double v : new double[] {-1.5, 0, 3}) {
      Tensor x = leaf(v);
      Tensor z = x.mul(2).add(x.mul(x));
      z.backward();
      assertEquals(2 + 2 * v, x.grad().item(), EXACT);
    }
  }

  @Test
  void softmaxCrossEntropyGradientIsPMinusY() {
    double[] logits = {1.0, 2.0, 0.5, -1.0, 0.0, 3.0};
    Tensor z = leaf(logits, 2, 3);
    Tensor labels = Tensor.of(backend, new int[] {1, 2}, 2);
    io.jgrad.SoftmaxCrossEntropy.apply(z, labels, 0).sum().backward();
    double[] expected = new double[6];
    for (int r = 0; r < 2; r++) {
      double norm = 0;
      for (int c = 0; c < 3; c++) {
        norm += Math.exp(logits[3 * r + c]);
      }
      for (int c = 0; c < 3; c++) {
        expected[3 * r + c] = Math.exp(logits[3 * r + c]) / norm - (c == (r == 0 ? 1 : 2) ? 1 : 0);
      }
    }
    assertArrayEquals(expected, z.grad().toDoubleArray(), EXACT);
  }
}
