package io.jgrad.cuda;

import static jcuda.jcublas.JCublas2.cublasSgemm;
import static jcuda.jcublas.JCublas2.cublasSgemmStridedBatched;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.cublasHandle;

/** {@link Gemm} through cuBLAS (JCublas2), on the context's stream. */
final class CublasGemm implements Gemm {
  private final cublasHandle handle;

  CublasGemm(cublasHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return "cublas";
  }

  /**
   * cuBLAS is column-major, and a row-major X is the column-major Xᵀ. So row-major C = op(A)·op(B) is computed as
   * column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and M with N, keep each operand's transpose flag. Each
   * leading dimension is the row length of the matrix as stored row-major (at least 1, as cuBLAS requires).
   */
  @Override
  public void run(
      boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a, long strideA,
      CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    int opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
    int opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
    int lda = Math.max(1, transA ? m : k);
    int ldb = Math.max(1, transB ? k : n);
    int ldc = Math.max(1, n);
    Pointer pAlpha = Pointer.to(new float[] {alpha});
    Pointer pBeta = Pointer.to(new float[] {beta});
    if (batch == 1) {
      cublasSgemm(handle, opB, opA, n, m, k, pAlpha, b, ldb, a, lda, pBeta, c, ldc);
    } else {
      cublasSgemmStridedBatched(
          handle, opB, opA, n, m, k, pAlpha, b, ldb, strideB, a, lda, strideA, pBeta, c, ldc, strideC, batch);
    }
  }
}
