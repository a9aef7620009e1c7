package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import org.junit.jupiter.api.Test;

/** The fused bias + activation kernel and its backward (dx and the bias gradient). */
public abstract class BiasActivationConformance extends KernelConformance {
  protected BiasActivationConformance(BackendConformanceTest suite) {
    super(suite);
  }

  private static final UnaryOp[] FUSED_ACTIVATIONS = {
    UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.ELU, UnaryOp.SIGMOID, UnaryOp.TANH
  };

  private static final int[][] MATRICES = {{1, 1}, {7, 33}, {1, 1023}, {33, 7}, {65, 129}};

  @EachFloatType
  void biasActivationForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp act : FUSED_ACTIVATIONS) {
      UnaryCase row = tableRow(act);
      for (int[] rc : MATRICES) {
        int rows = rc[0];
        int cols = rc[1];
        double[] bias = values(dtype, cols, -1, 1);
        double[] x = new double[rows * cols];
        double[] pre = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
          double[] xr = awayFromKinks(dtype, cols, -3, 3, row.kinks());
          for (int c = 0; c < cols; c++) {
            // Keep x + bias off the kinks too: shift x where the sum lands next to one.
            x[r * cols + c] = nearKink(xr[c] + bias[c], row.kinks()) ? round(dtype, xr[c] + 0.01) : xr[c];
            pre[r * cols + c] = x[r * cols + c] + bias[c];
          }
        }
        String what = act + " " + rows + "x" + cols;
        Buffer y = poisoned(dtype, rows * cols);
        backend.biasActivation(act, row.alpha(), put(dtype, x), put(dtype, bias), y, rows, cols);
        double[] yExpected = map(pre, row.function()::applyAsDouble);
        tolerance().assertClose(dtype, "biasActivation " + what, yExpected, get(y));

        double[] dy = values(dtype, rows * cols, -1, 1);
        double[] dx = new double[rows * cols];
        double[] dbias = new double[cols];
        double[] dbiasMagnitude = new double[cols];
        for (int i = 0; i < dx.length; i++) {
          dx[i] = dy[i] * row.derivative().applyAsDouble(pre[i]);
          dbias[i % cols] += dx[i];
          dbiasMagnitude[i % cols] += Math.abs(dx[i]);
        }
        Buffer yRounded = put(dtype, round(dtype, yExpected));
        Buffer dxOut = poisoned(dtype, rows * cols);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationBackward(act, row.alpha(), yRounded, put(dtype, dy), dxOut, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward dx " + what, dx, get(dxOut));
        tolerance().assertSumsClose(
            dtype, "biasActivationBackward dbias " + what, dbias, dbiasMagnitude, get(dbiasOut));
        Buffer inPlace = put(dtype, dy);
        backend.biasActivationBackward(act, row.alpha(), yRounded, inPlace, inPlace, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward in place " + what, dx, get(inPlace));
      }
    }
  }

  /** The activations whose derivative the masked output's sign gives, which alone take a mask. */
  private static final UnaryOp[] MASKABLE = {UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.LEAKY_RELU};

  private static final double KEEP_SCALE = 1 / (1 - 0.4);

  @EachFloatType
  void biasActivationMaskedForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp act : MASKABLE) {
      UnaryCase row = tableRow(act);
      for (int[] rc : MATRICES) {
        int rows = rc[0];
        int cols = rc[1];
        int n = rows * cols;
        double[] bias = values(dtype, cols, -1, 1);
        double[] x = new double[n];
        double[] pre = new double[n];
        double[] mask = new double[n];
        for (int r = 0; r < rows; r++) {
          double[] xr = awayFromKinks(dtype, cols, -3, 3, row.kinks());
          for (int c = 0; c < cols; c++) {
            int i = r * cols + c;
            x[i] = nearKink(xr[c] + bias[c], row.kinks()) ? round(dtype, xr[c] + 0.01) : xr[c];
            pre[i] = x[i] + bias[c];
            mask[i] = rng.nextDouble() < 0.4 ? 0 : KEEP_SCALE; // the dropout mask of p = 0.4
          }
        }
        double[] maskRounded = round(dtype, mask);
        String what = act + " " + rows + "x" + cols;
        Buffer z = poisoned(dtype, n);
        backend.biasActivationMasked(
            act, row.alpha(), put(dtype, x), put(dtype, bias), put(dtype, maskRounded), z, rows, cols);
        double[] zExpected = new double[n];
        for (int i = 0; i < n; i++) {
          zExpected[i] = round(dtype, row.function().applyAsDouble(pre[i])) * maskRounded[i];
        }
        tolerance().assertClose(dtype, "biasActivationMasked " + what, zExpected, get(z));

        double[] dz = values(dtype, n, -1, 1);
        double[] dx = new double[n];
        double[] dbias = new double[cols];
        double[] dbiasMagnitude = new double[cols];
        for (int i = 0; i < n; i++) {
          dx[i] = maskRounded[i] == 0 ? 0 : dz[i] * maskRounded[i] * row.derivative().applyAsDouble(pre[i]);
          dbias[i % cols] += dx[i];
          dbiasMagnitude[i % cols] += Math.abs(dx[i]);
        }
        Buffer zRounded = put(dtype, round(dtype, zExpected));
        Buffer dxOut = poisoned(dtype, n);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationMaskedBackward(
            act, row.alpha(), zRounded, put(dtype, maskRounded), put(dtype, dz), dxOut, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationMaskedBackward dx " + what, dx, get(dxOut));
        tolerance().assertSumsClose(
            dtype, "biasActivationMaskedBackward dbias " + what, dbias, dbiasMagnitude, get(dbiasOut));
        Buffer inPlace = put(dtype, dz);
        backend.biasActivationMaskedBackward(
            act, row.alpha(), zRounded, put(dtype, maskRounded), inPlace, inPlace, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationMaskedBackward in place " + what, dx, get(inPlace));
      }
    }
  }

  @Test
  void biasActivationMaskedRefusesActivationsWhoseDerivativeNeedsTheUnmaskedOutput() {
    Buffer x = backend.allocate(DType.FLOAT32, 6);
    Buffer bias = backend.allocate(DType.FLOAT32, 3);
    for (UnaryOp act : new UnaryOp[] {UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.ELU}) {
      assertThrows(IllegalArgumentException.class,
          () -> backend.biasActivationMasked(act, 1, x, bias, x, x, 2, 3), act + " forward");
      assertThrows(IllegalArgumentException.class,
          () -> backend.biasActivationMaskedBackward(act, 1, x, x, x, x, bias, 2, 3), act + " backward");
    }
  }

  @Test
  void biasActivationRefusesActivationsThatNeedTheirInput() {
    Buffer x = backend.allocate(DType.FLOAT32, 6);
    Buffer bias = backend.allocate(DType.FLOAT32, 3);
    assertThrows(
        IllegalArgumentException.class, () -> backend.biasActivation(UnaryOp.GELU, 0, x, bias, x, 2, 3), "GELU");
  }
}
