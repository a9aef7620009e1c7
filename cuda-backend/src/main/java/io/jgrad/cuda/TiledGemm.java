package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/** {@link Gemm} through gemm.cu's tiled kernel: the fallback when cuBLAS 12 does not load. */
final class TiledGemm implements Gemm {
  private final Kernel kernel;

  TiledGemm(CudaContext context) {
    this.kernel = context.kernel(PtxModule.GEMM, "sgemm_tiled");
  }

  @Override
  public String name() {
    return "tiled";
  }

  @Override
  public void run(
      boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a, long strideA,
      CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    kernel.launch(
        Grid.gemmTiles(m, n, batch),
        new KernelArgs()
            .i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k).f32(alpha)
            .ptr(a).i64(strideA).ptr(b).i64(strideB).f32(beta).ptr(c).i64(strideC));
  }
}
