package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * {@link Gemm} through gemm.cu's kernels: the fallback when cuBLAS 12 does not load. sgemm_large's 128×128 tiles
 * reach 82% of cuBLAS at 4096³ on an H100 but give a small product few blocks; below a quarter of a block per
 * multiprocessor, sgemm_tiled's 64×64 tiles give four times the blocks (a rule of thumb from five shapes,
 * docs/gpu-results.md). A product that still leaves multiprocessors idle and has a long K, as an MLP layer at batch
 * 128 does, is split along K: each chunk's partial product goes to a workspace from the caching allocator and
 * sgemm_sum_splits adds them in a fixed order.
 */
final class TiledGemm implements Gemm {
  /** gemm.cu's SPLIT_ALIGN: chunks of K are multiples of it. */
  static final int SPLIT_ALIGN = 16;
  /** The shortest chunk worth a block of its own: four steps of sgemm_tiled's K loop. */
  static final int MIN_CHUNK = 64;

  private final Kernel small;
  private final Kernel large;
  private final Kernel sumSplits;
  private final int multiprocessors;
  private final CachingAllocator<CUdeviceptr> allocator;

  TiledGemm(CudaContext context, CachingAllocator<CUdeviceptr> allocator) {
    this.small = context.kernel(PtxModule.GEMM, "sgemm_tiled");
    this.large = context.kernel(PtxModule.GEMM, "sgemm_large");
    this.sumSplits = context.kernel(PtxModule.GEMM, "sgemm_sum_splits");
    this.multiprocessors = context.multiprocessors();
    this.allocator = allocator;
  }

  @Override
  public String name() {
    return "tiled";
  }

  /** Whether sgemm_large's tiles of this product number at least a quarter of the multiprocessors. */
  static boolean prefersLarge(int m, int n, int batch, int multiprocessors) {
    return blocksReach(tiles(m, n, Grid.GEMM_LARGE_TILE), batch, Math.max(1, multiprocessors / 4));
  }

  /**
   * Chunks of K for a product whose blocks would leave multiprocessors idle: enough to give each one a block, no
   * chunk shorter than {@link #MIN_CHUNK}, and never so many that the batch × chunks overflow gridDim.z.
   */
  static int splits(int m, int n, int k, int batch, int tile, int multiprocessors) {
    long tiles = tiles(m, n, tile);
    if (blocksReach(tiles, batch, multiprocessors)) {
      return 1;
    }
    long wanted = Math.min(
        Grid.ceilDiv(multiprocessors, tiles * batch), Math.min(k / MIN_CHUNK, Grid.MAX_GRID_YZ / batch));
    if (wanted <= 1) {
      return 1;
    }
    // Rounding the chunk up may leave fewer chunks than wanted, all non-empty.
    return (int) Grid.ceilDiv(k, chunk(k, (int) wanted));
  }

  /** gemm.cu's Split: each chunk is ⌈k / splits⌉ rounded up to a multiple of {@link #SPLIT_ALIGN}. */
  static int chunk(int k, int splits) {
    return (int) (Grid.ceilDiv((long) Grid.ceilDiv(k, splits), SPLIT_ALIGN) * SPLIT_ALIGN);
  }

  private static long tiles(int m, int n, int tile) {
    return Grid.ceilDiv(m, tile) * (long) Grid.ceilDiv(n, tile);
  }

  /** tiles × batch ≥ enough, without forming a product that could overflow when tiles alone suffice. */
  private static boolean blocksReach(long tiles, int batch, long enough) {
    return tiles >= enough || tiles * batch >= enough;
  }

  @Override
  public void run(
      boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a, long strideA,
      CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    boolean useLarge = prefersLarge(m, n, batch, multiprocessors);
    int splits = splits(m, n, k, batch, useLarge ? Grid.GEMM_LARGE_TILE : Grid.GEMM_TILE, multiprocessors);
    run(useLarge, splits, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
  }

  /** As {@link #run}, on the kernel and with the chunks named, whatever the shape, so that tests cover each. */
  void run(
      boolean useLarge, int splits, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    if (splits == 1) {
      launch(useLarge, 1, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
      return;
    }
    long count = (long) m * n;
    allocator.withWorkspace(count * batch * splits * Float.BYTES, partial -> {
      launch(useLarge, splits, transA, transB, batch, m, n, k, 1f, a, strideA, b, strideB, 0f, partial, count);
      sumSplits.args().i64(count).i32(batch).i32(splits).f32(alpha).ptr(partial).f32(beta).ptr(c).i64(strideC)
          .launch(Grid.elementwise(count * batch));
    });
  }

  private void launch(
      boolean useLarge, int splits, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, CUdeviceptr c, long strideC) {
    int z = batch * splits;
    (useLarge ? large : small).args().i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k).i32(splits)
        .f32(alpha).ptr(a).i64(strideA).ptr(b).i64(strideB).f32(beta).ptr(c).i64(strideC)
        .launch(useLarge ? Grid.gemmLargeTiles(m, n, z) : Grid.gemmTiles(m, n, z));
  }
}
