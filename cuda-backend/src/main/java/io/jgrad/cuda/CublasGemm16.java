package io.jgrad.cuda;

import static jcuda.jcublas.JCublas2.cublasGemmEx;
import static jcuda.jcublas.JCublas2.cublasGemmStridedBatchedEx;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;

/**
 * {@link Gemm16} through cuBLAS's cublasGemmEx (float32 compute, so the tensor cores accumulate in float32), with
 * the row-major ↔ column-major swap of {@link CublasGemm}. cuBLAS refuses bf16 before sm_80 itself; the backend
 * checks first so that the error names the device.
 */
final class CublasGemm16 implements Gemm16 {
  private final cublasHandle handle;

  CublasGemm16(cublasHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return "cublas";
  }

  @Override
  public void run(
      Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a,
      long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c, long strideC) {
    int opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
    int opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
    int lda = Math.max(1, transA ? m : k);
    int ldb = Math.max(1, transB ? k : n);
    int ldc = Math.max(1, n);
    int in = dataType(input);
    int out = dataType(output);
    Pointer pAlpha = Pointer.to(new float[] {alpha});
    Pointer pBeta = Pointer.to(new float[] {beta});
    int compute = cublasComputeType.CUBLAS_COMPUTE_32F;
    int algo = cublasGemmAlgo.CUBLAS_GEMM_DEFAULT;
    if (batch == 1) {
      cublasGemmEx(handle, opB, opA, n, m, k, pAlpha, b, in, ldb, a, in, lda, pBeta, c, out, ldc, compute, algo);
    } else {
      cublasGemmStridedBatchedEx(handle, opB, opA, n, m, k, pAlpha, b, in, ldb, strideB, a, in, lda, strideA, pBeta,
          c, out, ldc, strideC, batch, compute, algo);
    }
  }

  private static int dataType(Storage s) {
    switch (s) {
      case BFLOAT16:
        return cudaDataType.CUDA_R_16BF;
      case FLOAT16:
        return cudaDataType.CUDA_R_16F;
      default:
        return cudaDataType.CUDA_R_32F;
    }
  }
}
