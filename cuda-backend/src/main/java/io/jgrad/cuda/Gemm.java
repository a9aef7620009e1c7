package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Batched row-major SGEMM as {@link io.jgrad.Backend#gemm} defines it, on device pointers: for each b &lt; batch,
 * C_b = alpha·op(A_b)·op(B_b) + beta·C_b with op(A) M×K, op(B) K×N, C M×N, matrix b of X at X + b·strideX
 * (elements; 0 broadcasts). Arguments are already validated; implementations only launch.
 */
interface Gemm {

  /** "cublas" or "tiled", for logs and benchmarks. */
  String name();

  void run(
      boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a, long strideA,
      CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC);
}
