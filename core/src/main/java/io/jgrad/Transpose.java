package io.jgrad;

import io.jgrad.spi.GemmArgs;

/**
 * Materialised transpose of a 2-D tensor R×C, computed as Xᵀ·I on the GEMM kernel (the SPI has no copy kernel with
 * strides, and MLPs never need this: matmul takes transposes as flags). Saves nothing: the gradient is gᵀ.
 */
final class Transpose extends Function {
  private Transpose() {} // made by apply only

  static Tensor apply(Tensor x) {
    Tensor out = transposed(x);
    if (isRecording(x)) {
      new Transpose().connect(out, x);
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {transposed(g)};
  }

  private static Tensor transposed(Tensor x) {
    if (x.rank() != 2) {
      throw new IllegalArgumentException("transpose: needs a 2-D tensor, got " + x.shape());
    }
    int rows = x.dim(0);
    int cols = x.dim(1);
    Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.of(cols, rows));
    try (Tensor eye = identity(x, rows)) {
      // xᵀ·I, the GEMM reading x transposed: one kernel every backend has.
      x.backend().gemm(
          GemmArgs.of(cols, rows, rows, x.buffer(), eye.buffer(), out.buffer()).transposed(Transposed.FIRST));
    }
    return out;
  }

  private static Tensor identity(Tensor like, int n) {
    double[] eye = new double[n * n];
    for (int i = 0; i < n; i++) {
      eye[i * n + i] = 1;
    }
    Tensor t = Tensor.empty(like.backend(), like.dtype(), Shape.of(n, n));
    like.backend().upload(t.buffer(), eye);
    return t;
  }
}
