package io.jgrad;

import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.ReduceOp;
import java.util.Arrays;

/** Shape plumbing shared by the ops: argument checks, broadcast outputs, and the reverse of a broadcast. */
final class Broadcast {
  private Broadcast() {}

  /** Both operands on one backend with one dtype, or an error naming the op. */
  static void checkCompatible(String op, Tensor a, Tensor b) {
    if (a.backend() != b.backend()) {
      throw new IllegalArgumentException(
          op + ": operands are on different backends (" + a.backend().name() + " and " + b.backend().name() + ")");
    }
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op + ": dtypes differ (" + a.dtype().label() + " and " + b.dtype().label() + "); convert explicitly");
    }
  }

  /** out = op(a, b) with broadcasting, recording nothing. */
  static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
    checkCompatible(name, a, b);
    Shape shape = Shape.broadcast(name, a.shape(), b.shape());
    Tensor out = Tensor.empty(a.backend(), a.dtype(), shape);
    a.backend().binary(op, a.buffer(), a.shape(), b.buffer(), b.shape(), out.buffer(), shape);
    return out;
  }

  /**
   * The gradient of a broadcast: sums {@code g} over the dimensions along which {@code shape} was broadcast to g's
   * shape. Returns g itself when nothing was broadcast.
   */
  static Tensor sumTo(Tensor g, Shape shape) {
    if (g.shape().equals(shape)) {
      return g;
    }
    int lead = g.rank() - shape.rank();
    Tensor cur = g;
    for (int axis = 0; axis < g.rank(); axis++) {
      int target = axis < lead ? 1 : shape.dim(axis - lead);
      if (cur.dim(axis) != target) {
        Tensor next = reduceKeepDim(ReduceOp.SUM, cur, axis);
        if (cur != g) {
          cur.close();
        }
        cur = next;
      }
    }
    Tensor out = cur.view(shape);
    if (cur != g) {
      cur.close();
    }
    return out;
  }

  /** {@link #sumTo} for a temporary: closes {@code full} when the result is a new tensor. */
  static Tensor sumToConsuming(Tensor full, Shape shape) {
    Tensor r = sumTo(full, shape);
    if (r != full) {
      full.close();
    }
    return r;
  }

  /** {@code g} broadcast to {@code shape} (a new tensor). */
  static Tensor expand(Tensor g, Shape shape) {
    Tensor out = Tensor.zeros(g.backend(), g.dtype(), shape);
    out.backend().binary(BinaryOp.ADD, out.buffer(), shape, g.buffer(), g.shape(), out.buffer(), shape);
    return out;
  }

  /** A shape of the same rank with every dimension 1: a full reduction that still broadcasts against the input. */
  static Shape onesLike(Shape s) {
    int[] ones = new int[s.rank()];
    Arrays.fill(ones, 1);
    return Shape.of(ones);
  }

  /** Reduces along one axis, keeping it as size 1; records nothing. */
  static Tensor reduceKeepDim(ReduceOp op, Tensor x, int axis) {
    Shape s = x.shape();
    int a = s.normalizeAxis(axis);
    Tensor out = Tensor.empty(x.backend(), x.dtype(), s.reduce(a, true));
    x.backend().reduce(op, x.buffer(), s.outer(a), s.dim(a), s.inner(a), out.buffer());
    return out;
  }
}
