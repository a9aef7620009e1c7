package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Batched row-major GEMM on 16-bit inputs with float32 accumulation, as {@link Gemm} defines it (C_b =
 * alpha·op(A_b)·op(B_b) + beta·C_b, strides in elements, 0 broadcasts): A and B are both {@code input} (bf16 or
 * fp16), C is {@code output} (float32 or either 16-bit type). Arguments are already validated; implementations
 * only launch.
 */
interface Gemm16 {

  /** "cublas" (cublasGemmEx) or "tensor" (jgrad's mma.sync kernels), for logs and benchmarks. */
  String name();

  void run(
      Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a,
      long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c, long strideC);
}
