package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * {@link Gemm} through gemm.cu's kernels: the fallback when cuBLAS 12 does not load. sgemm_large's 128×128 tiles
 * reach 83% of cuBLAS at 4096³ on an H100 but give a small product few blocks; below a quarter of a block per
 * multiprocessor, sgemm_tiled's 64×64 tiles (four times the blocks) finish sooner.
 */
final class TiledGemm implements Gemm {
  private final Kernel small;
  private final Kernel large;
  private final int multiprocessors;

  TiledGemm(CudaContext context) {
    this.small = context.kernel(PtxModule.GEMM, "sgemm_tiled");
    this.large = context.kernel(PtxModule.GEMM, "sgemm_large");
    this.multiprocessors = context.multiprocessors();
  }

  @Override
  public String name() {
    return "tiled";
  }

  /** Whether sgemm_large's tiles of this product number at least a quarter of the multiprocessors. */
  static boolean prefersLarge(int m, int n, int batch, int multiprocessors) {
    long tile = Grid.GEMM_LARGE_TILE;
    long tiles = (m + tile - 1) / tile * ((n + tile - 1) / tile);
    long enough = Math.max(1, multiprocessors / 4);
    return tiles >= enough || tiles * batch >= enough;  // the first test keeps the product from overflowing
  }

  @Override
  public void run(
      boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a, long strideA,
      CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    run(prefersLarge(m, n, batch, multiprocessors), transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB,
        beta, c, strideC);
  }

  /** As {@link #run}, on the kernel named whatever the shape, so that tests cover both. */
  void run(
      boolean useLarge, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a,
      long strideA, CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    (useLarge ? large : small).launch(
        useLarge ? Grid.gemmLargeTiles(m, n, batch) : Grid.gemmTiles(m, n, batch),
        new KernelArgs()
            .i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k).f32(alpha)
            .ptr(a).i64(strideA).ptr(b).i64(strideB).f32(beta).ptr(c).i64(strideC));
  }
}
