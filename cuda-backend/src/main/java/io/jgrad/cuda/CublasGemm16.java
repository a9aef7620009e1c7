package io.jgrad.cuda;

import static jcuda.jcublas.JCublas2.cublasGemmEx_new;
import static jcuda.jcublas.JCublas2.cublasGemmStridedBatchedEx_new;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;

/**
 * {@link Gemm16} through cuBLAS's cublasGemmEx (float32 compute, so the tensor cores accumulate in float32), with
 * the row-major ↔ column-major swap of {@link CublasGemm}. cuBLAS refuses bf16 before sm_80 itself; the backend
 * checks first so that the error names the device.
 *
 * <p>JCublas2 12.6's {@code cublasGemmEx} and {@code cublasGemmStridedBatchedEx} take the legacy compute type (a
 * cudaDataType, as cuBLAS's C++ overloads) and convert it; given a {@code cublasComputeType} such as
 * CUBLAS_COMPUTE_32F (68) they return CUBLAS_STATUS_NOT_SUPPORTED as a plain value, without the exception that
 * {@code setExceptionsEnabled} promises, and run nothing. The {@code _new} methods take {@code cublasComputeType},
 * as the C API does, and report failures; their status is checked here too.
 *
 * <p>C is the inputs' type or float32, as the backend's gemm requires: cuBLAS has no fp16-in, bf16-out product (it
 * answers CUBLAS_STATUS_NOT_SUPPORTED), which jgrad's own kernel would compute.
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
    Check.that(output == input || output == Storage.FLOAT32, "gemm",
        "cublasGemmEx writes C as " + input + " or FLOAT32, not " + output);
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
    int status = batch == 1
        ? cublasGemmEx_new(handle, opB, opA, n, m, k, pAlpha, b, in, ldb, a, in, lda, pBeta, c, out, ldc, compute,
            algo)
        : cublasGemmStridedBatchedEx_new(handle, opB, opA, n, m, k, pAlpha, b, in, ldb, strideB, a, in, lda,
            strideA, pBeta, c, out, ldc, strideC, batch, compute, algo);
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      throw new IllegalStateException("gemm: cublasGemmEx failed: " + cublasStatus.stringFor(status));
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
