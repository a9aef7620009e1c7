package io.jgrad.conformance;

import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.Shape;

/** Binary ops with NumPy broadcasting, out of place and in place. */
public abstract class BinaryConformance extends KernelConformance {
  protected BinaryConformance(BackendConformanceTest suite) {
    super(suite);
  }

  /** Pairs of operand shapes: same shape, row broadcast, outer product, rank extension, scalars. */
  private static final Shape[][] BROADCASTS = {
    {Shape.of(1023), Shape.of(1023)},
    {Shape.of(7, 33), Shape.of(33)},
    {Shape.of(7, 1), Shape.of(1, 33)},
    {Shape.of(2, 1, 5), Shape.of(3, 1)},
    {Shape.scalar(), Shape.of(7, 33)},
    {Shape.of(33), Shape.scalar()},
    {Shape.of(1), Shape.of(1)},
  };

  @EachFloatType
  void binaryWithBroadcasting(DType dtype) {
    assumeSupported(dtype);
    for (BinaryOp op : BinaryOp.values()) {
      for (Shape[] pair : BROADCASTS) {
        Shape out = Shape.broadcast("test", pair[0], pair[1]);
        double[] a = binaryOperand(op, true, (int) pair[0].size());
        double[] b = binaryOperand(op, false, (int) pair[1].size());
        Buffer o = poisoned(dtype, (int) out.size());
        backend.binary(op, put(dtype, a), pair[0], put(dtype, b), pair[1], o, out);
        String what = "binary " + op + " " + pair[0] + " with " + pair[1];
        tolerance().assertClose(dtype, what, binaryExpected(op, a, pair[0], b, pair[1], out), get(o));
      }
    }
  }

  @EachFloatType
  void binaryInPlace(DType dtype) {
    assumeSupported(dtype);
    Shape full = Shape.of(7, 33);
    Shape row = Shape.of(33);
    for (BinaryOp op : BinaryOp.values()) {
      double[] a = binaryOperand(op, true, 7 * 33);
      double[] b = binaryOperand(op, false, 33);
      double[] expected = binaryExpected(op, a, full, b, row, full);
      Buffer ab = put(dtype, a);
      backend.binary(op, ab, full, put(dtype, b), row, ab, full);
      tolerance().assertClose(dtype, "binary " + op + " in place", expected, get(ab));
    }
  }

  /**
   * Inputs on a grid of quarter steps so that comparisons meet ties, kept positive for POW's base and non-zero for
   * DIV's divisor.
   */
  private double[] binaryOperand(BinaryOp op, boolean first, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double x = (rng.nextInt(17) - 8) * 0.25;
      if (op == BinaryOp.POW && first) {
        x = Math.abs(x) + 0.25;
      } else if (op == BinaryOp.DIV && !first && x == 0) {
        x = 1;
      }
      v[i] = x;
    }
    return v;
  }

  private static double[] binaryExpected(BinaryOp op, double[] a, Shape as, double[] b, Shape bs, Shape out) {
    int[] dims = out.dims();
    double[] expected = new double[(int) out.size()];
    for (int o = 0; o < expected.length; o++) {
      double x = a[broadcastIndex(o, dims, as.dims())];
      double y = b[broadcastIndex(o, dims, bs.dims())];
      expected[o] = binaryReference(op, x, y);
    }
    return expected;
  }

  /** The flat index into an operand of dims {@code from} of output element o (dims {@code out}), NumPy-aligned. */
  private static int broadcastIndex(int o, int[] out, int[] from) {
    int[] coord = new int[out.length];
    for (int d = out.length - 1, rest = o; d >= 0; d--) {
      coord[d] = rest % out[d];
      rest /= out[d];
    }
    int index = 0;
    int shift = out.length - from.length;
    for (int d = 0; d < from.length; d++) {
      index = index * from[d] + (from[d] == 1 ? 0 : coord[d + shift]);
    }
    return index;
  }

  private static double binaryReference(BinaryOp op, double x, double y) {
    switch (op) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case MAX:
        return x > y ? x : y;
      case MIN:
        return x < y ? x : y;
      case POW:
        return Math.exp(y * Math.log(x));
      case EQ:
        return x == y ? 1 : 0;
      case GE:
        return x >= y ? 1 : 0;
      case GT:
        return x > y ? 1 : 0;
      default:
        throw new AssertionError("binaryReference has no case for " + op);
    }
  }
}
