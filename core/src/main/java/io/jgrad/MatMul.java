package io.jgrad;

import io.jgrad.spi.GemmArgs;

/**
 * C = op(A)·op(B) for 2-D operands, batched over the first axis when either is 3-D (a 2-D operand is shared by every
 * batch through a zero stride). Transposes are GEMM flags, never copies. Saves both operands: dA needs B, dB needs A
 * (each only if the other needs a gradient).
 *
 * <p>Shapes: op(A) is M×K, op(B) is K×N, C is M×N (with a leading Bt batch axis when batched).
 */
final class MatMul extends Function {
  private final boolean transA;
  private final boolean transB;
  private Tensor a;
  private Tensor b;

  private MatMul(boolean transA, boolean transB) {
    this.transA = transA;
    this.transB = transB;
  }

  static Tensor apply(Tensor a, boolean transA, Tensor b, boolean transB) {
    DType low = Autocast.gemmType(a.dtype(), b.dtype());
    if (low != null) {
      // Autocast: the product of 16-bit copies, accumulated in float32, rounded to 16 bits; the casts are recorded.
      Tensor a16 = a.to(low);
      Tensor b16 = b.to(low);
      try {
        return apply(a16, transA, b16, transB);
      } finally {
        closeUnlessSame(a16, a);
        closeUnlessSame(b16, b);
      }
    }
    Broadcast.checkCompatible("matmul", a, b);
    if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
      throw new IllegalArgumentException(
          "matmul: " + a.shape() + " x " + b.shape() + ": operands must be 2-D or 3-D (batched)");
    }
    int m = transA ? a.dim(-1) : a.dim(-2);
    int k = transA ? a.dim(-2) : a.dim(-1);
    int kb = transB ? b.dim(-1) : b.dim(-2);
    int n = transB ? b.dim(-2) : b.dim(-1);
    if (k != kb) {
      throw new IllegalArgumentException(
          "matmul: " + describe(a, transA) + " x " + describe(b, transB) + ": inner dimensions " + k + " and " + kb
              + " differ");
    }
    int batch = Math.max(batchOf(a), batchOf(b));
    if (a.rank() == 3 && b.rank() == 3 && a.dim(0) != b.dim(0)) {
      throw new IllegalArgumentException(
          "matmul: " + a.shape() + " x " + b.shape() + ": batch sizes " + a.dim(0) + " and " + b.dim(0) + " differ");
    }
    Shape outShape = a.rank() == 3 || b.rank() == 3 ? Shape.of(batch, m, n) : Shape.of(m, n);
    Tensor c = Tensor.empty(a.backend(), a.dtype(), outShape);
    gemm(transA, transB, batch, m, n, k, a, b, c);
    if (isRecording(a, b)) {
      MatMul f = new MatMul(transA, transB);
      f.connect(c, a, b);
      f.b = f.needsGrad(0) ? f.save(b) : null;
      f.a = f.needsGrad(1) ? f.save(a) : null;
    }
    return c;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    // With G = dL/dC (M×N): dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G; a stored-transposed operand gets the transpose.
    Tensor da = null;
    Tensor db = null;
    if (needsGrad(0)) {
      da = transA ? product(b, transB, g, true, inputShape(0)) : product(g, false, b, !transB, inputShape(0));
    }
    if (needsGrad(1)) {
      db = transB ? product(g, true, a, transA, inputShape(1)) : product(a, !transA, g, false, inputShape(1));
    }
    return new Tensor[] {da, db};
  }

  /** op(x)·op(y) computed into a tensor of {@code target}'s shape, summing over the batch where target is 2-D. */
  private static Tensor product(Tensor x, boolean tx, Tensor y, boolean ty, Shape target) {
    int m = tx ? x.dim(-1) : x.dim(-2);
    int k = tx ? x.dim(-2) : x.dim(-1);
    int n = ty ? y.dim(-2) : y.dim(-1);
    int batch = Math.max(batchOf(x), batchOf(y));
    boolean batched = x.rank() == 3 || y.rank() == 3;
    if (!batched || target.rank() == 3) {
      Tensor out = Tensor.empty(x.backend(), x.dtype(), target);
      gemm(tx, ty, batch, m, n, k, x, y, out);
      return out;
    }
    // A 2-D operand shared across the batch: its gradient is the sum of the per-batch products.
    try (Tensor perBatch = Tensor.empty(x.backend(), x.dtype(), Shape.of(batch, m, n))) {
      gemm(tx, ty, batch, m, n, k, x, y, perBatch);
      return Broadcast.sumTo(perBatch, target);
    }
  }

  private static void gemm(boolean ta, boolean tb, int batch, int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    long strideA = a.rank() == 3 ? (long) m * k : 0;
    long strideB = b.rank() == 3 ? (long) k * n : 0;
    long strideC = c.rank() == 3 ? (long) m * n : 0;
    a.backend().gemm(GemmArgs.of(m, n, k, a.buffer(), b.buffer(), c.buffer())
        .transposed(Transposed.of(ta, tb))
        .batched(batch, strideA, strideB, strideC));
  }

  private static void closeUnlessSame(Tensor made, Tensor given) {
    if (made != given) {
      made.close();
    }
  }

  private static int batchOf(Tensor t) {
    return t.rank() == 3 ? t.dim(0) : 1;
  }

  private static String describe(Tensor t, boolean trans) {
    return trans ? t.shape() + "ᵀ" : t.shape().toString();
  }
}
