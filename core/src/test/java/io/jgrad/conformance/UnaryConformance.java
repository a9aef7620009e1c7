package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import org.junit.jupiter.api.Test;

/** Element-wise unary ops, forward and backward, against the op table's reference functions and derivatives. */
public abstract class UnaryConformance extends KernelConformance {
  protected UnaryConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @Test
  void everyUnaryOpHasATableRow() {
    for (UnaryOp op : UnaryOp.values()) {
      assertNotNull(OpCases.unary(op), "OpCases has no unary row for " + op);
    }
  }

  @EachFloatType
  void unaryForwardAgainstTheTable(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      UnaryCase row = tableRow(op);
      for (int n : SIZES) {
        double[] x = awayFromKinks(dtype, n, row.low(), row.high(), row.kinks());
        Buffer y = poisoned(dtype, n);
        backend.unary(op, row.alpha(), put(dtype, x), y);
        tolerance().assertClose(dtype, op + " forward, n=" + n, map(x, row.function()::applyAsDouble), get(y));
      }
      double[] x = awayFromKinks(dtype, 33, row.low(), row.high(), row.kinks());
      Buffer inPlace = put(dtype, x);
      backend.unary(op, row.alpha(), inPlace, inPlace);
      tolerance().assertClose(dtype, op + " forward in place", map(x, row.function()::applyAsDouble), get(inPlace));
    }
  }

  @EachFloatType
  void unaryBackwardAgainstTheTable(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      UnaryCase row = tableRow(op);
      if (row.derivative() == null) {
        continue;
      }
      for (int n : SIZES) {
        double[] x = awayFromKinks(dtype, n, row.low(), row.high(), row.kinks());
        double[] dy = values(dtype, n, -2, 2);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = dy[i] * row.derivative().applyAsDouble(x[i]);
        }
        Buffer saved = savedFor(dtype, op, row, x);
        Buffer dx = poisoned(dtype, n);
        backend.unaryBackward(op, row.alpha(), saved, put(dtype, dy), dx);
        tolerance().assertClose(dtype, op + " backward, n=" + n, expected, get(dx));
        Buffer inPlace = put(dtype, dy);
        backend.unaryBackward(op, row.alpha(), saved, inPlace, inPlace);
        tolerance().assertClose(dtype, op + " backward in place, n=" + n, expected, get(inPlace));
      }
    }
  }

  /** What the op's forward would have saved: its input, its output (rounded to dtype), or nothing. */
  private Buffer savedFor(DType dtype, UnaryOp op, UnaryCase row, double[] x) {
    switch (op.saves()) {
      case INPUT:
        return put(dtype, x);
      case OUTPUT:
        return put(dtype, round(dtype, map(x, row.function()::applyAsDouble)));
      default:
        return null;
    }
  }

  private static final double[] NON_FINITE = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

  /**
   * As PyTorch's threshold_backward and clamp_backward, a select: where RELU's or CLAMP's mask is 0, dx is 0 even for
   * a NaN or infinite dy; inside it dy passes unchanged. LEAKY_RELU scales dy by its slope there (so NaN stays NaN),
   * as leaky_relu_backward does. 3×33 runs a SIMD body and its scalar tail, unfused and fused with a bias.
   */
  @EachFloatType
  void maskedGradientsAreZeroOutsideTheMaskEvenForNonFiniteDy(DType dtype) {
    assumeSupported(dtype);
    int rows = 3;
    int cols = 33;
    int n = rows * cols;
    for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.CLAMP}) {
      double alpha = tableRow(op).alpha();
      // What the forward saved (RELU and LEAKY_RELU their output, CLAMP its input), inside and outside the mask.
      double inside = op == UnaryOp.CLAMP ? alpha / 2 : 1.5;
      double outside = op == UnaryOp.CLAMP ? 4 * alpha : op == UnaryOp.LEAKY_RELU ? -3 * alpha : 0;
      double[] saved = new double[n];
      double[] dy = new double[n];
      double[] dx = new double[n];
      double[] dbias = new double[cols];
      for (int i = 0; i < n; i++) {
        boolean in = i % 2 == 0;
        saved[i] = round(dtype, in ? inside : outside);
        dy[i] = NON_FINITE[i % 3];
        dx[i] = in ? dy[i] : op == UnaryOp.LEAKY_RELU ? alpha * dy[i] : 0;
        dbias[i % cols] += dx[i];
      }
      Buffer dxOut = poisoned(dtype, n);
      backend.unaryBackward(op, alpha, put(dtype, saved), put(dtype, dy), dxOut);
      tolerance().assertClose(dtype, op + " backward of a non-finite dy", dx, get(dxOut));
      if (op.saves() == UnaryOp.Saves.OUTPUT) { // the fused epilogue takes only activations that save y
        Buffer fusedDx = poisoned(dtype, n);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationBackward(op, alpha, put(dtype, saved), put(dtype, dy), fusedDx, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward dx " + op + " of a non-finite dy", dx, get(fusedDx));
        tolerance().assertClose(dtype, "biasActivationBackward dbias " + op + " of a non-finite dy", dbias,
            get(dbiasOut));
      }
    }
  }

  /** The activations a model can be built with; each must let a NaN through as PyTorch's does. */
  private static final UnaryOp[] ACTIVATIONS = {
    UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.ELU, UnaryOp.GELU, UnaryOp.SIGMOID, UnaryOp.TANH
  };

  /**
   * As torch.relu, leaky_relu, elu, gelu, sigmoid and tanh: a NaN input gives a NaN output (an activation that mapped
   * NaN to 0 would hide a diverged layer from the non-finite guard). Backward at a NaN saved value follows PyTorch's
   * branches: RELU and ELU test {@code saved <= 0}, so dy passes; LEAKY_RELU tests {@code saved > 0}, so dy is scaled
   * by the slope; the others compute with the NaN and give NaN. 3×33 runs a SIMD body and its tail, unfused and fused.
   */
  @EachFloatType
  void activationsPropagateNaNAsPyTorchDoes(DType dtype) {
    assumeSupported(dtype);
    int rows = 3;
    int cols = 33;
    int n = rows * cols;
    for (UnaryOp op : ACTIVATIONS) {
      UnaryCase row = tableRow(op);
      double[] x = awayFromKinks(dtype, n, -3, 3, row.kinks());
      double[] y = new double[n];
      double[] dy = values(dtype, n, -1, 1);
      double[] dx = new double[n];
      for (int i = 0; i < n; i++) {
        if (i % 3 == 1) {
          x[i] = Double.NaN;
          y[i] = Double.NaN;
          dx[i] = switch (op) {
            case RELU, ELU -> dy[i];
            case LEAKY_RELU -> row.alpha() * dy[i];
            default -> Double.NaN;
          };
        } else {
          y[i] = row.function().applyAsDouble(x[i]);
          dx[i] = dy[i] * row.derivative().applyAsDouble(x[i]);
        }
      }
      Buffer yOut = put(dtype, filled(n, 7));
      backend.unary(op, row.alpha(), put(dtype, x), yOut);
      tolerance().assertClose(dtype, op + " of NaN", y, get(yOut));
      Buffer saved = op.saves() == UnaryOp.Saves.OUTPUT ? put(dtype, round(dtype, y)) : put(dtype, x);
      Buffer dxOut = put(dtype, filled(n, 7));
      backend.unaryBackward(op, row.alpha(), saved, put(dtype, dy), dxOut);
      tolerance().assertClose(dtype, op + " backward at NaN", dx, get(dxOut));
      if (op != UnaryOp.GELU) { // the fused epilogue takes only activations that save y
        Buffer fused = put(dtype, filled(n, 7));
        backend.biasActivation(op, row.alpha(), put(dtype, x), put(dtype, new double[cols]), fused, rows, cols);
        tolerance().assertClose(dtype, "biasActivation " + op + " of NaN", y, get(fused));
        Buffer fusedDx = put(dtype, filled(n, 7));
        backend.biasActivationBackward(op, row.alpha(), saved, put(dtype, dy), fusedDx, poisoned(dtype, cols),
            rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward " + op + " at NaN", dx, get(fusedDx));
      }
    }
  }
}
