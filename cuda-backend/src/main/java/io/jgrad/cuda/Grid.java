package io.jgrad.cuda;

/**
 * Launch geometry of one kernel: grid and block dimensions. Each factory matches one kernel family's indexing in
 * {@code native/kernels}; the block constants mirror the {@code #define}s there (KernelSourceTest checks them).
 * An empty grid (no blocks) means there is no work, and {@link Kernel#launch} skips it.
 */
record Grid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
  /** Threads per block of element-wise kernels. */
  static final int THREADS = 256;
  /** Blocks are capped here; kernels grid-stride over the rest, and this many already fill any GPU. */
  static final int MAX_BLOCKS = 65_535;
  /** The hardware limit of gridDim.y and gridDim.z (gridDim.x's is 2^31 − 1). */
  static final int MAX_GRID_YZ = 65_535;
  /** block.cuh's BLOCK_MAX_THREADS: the shared-memory size of the block reductions. */
  static final int BLOCK_MAX_THREADS = 256;
  /** bias_activation.cu's BA_COLS × BA_ROWS block. */
  static final int BIAS_COLS = 32;
  static final int BIAS_ROWS = 8;
  /** gemm.cu's TILE_M = TILE_N, computed by 16 × 16 threads. */
  static final int GEMM_TILE = 64;
  static final int GEMM_THREADS_PER_SIDE = 16;
  /** gemm.cu's LARGE_TILE: sgemm_large's tile side, computed by {@link #THREADS} threads in one dimension. */
  static final int GEMM_LARGE_TILE = 128;
  /** tensor_gemm.cuh's HG_TILE: a block of {@link #THREADS} threads (8 warps) computes a 128×128 tile of C. */
  static final int TENSOR_GEMM_TILE = 128;

  /** One thread per element of an [n] loop. */
  static Grid elementwise(long n) {
    return new Grid(blocks(n, THREADS), 1, 1, THREADS, 1, 1);
  }

  /**
   * One block per item (a row, an output element) for {@code items} items of {@code width} elements each: the
   * block is the smallest power of two ≥ width, between 32 (a warp) and {@link #BLOCK_MAX_THREADS}.
   */
  static Grid blockPerItem(long items, long width) {
    int threads = 32;
    while (threads < width && threads < BLOCK_MAX_THREADS) {
      threads *= 2;
    }
    return new Grid((int) Math.min(items, MAX_BLOCKS), 1, 1, threads, 1, 1);
  }

  /** bias_activation_backward: one block per {@link #BIAS_COLS} columns. */
  static Grid biasColumns(int cols) {
    return new Grid(ceilDiv(cols, BIAS_COLS), 1, 1, BIAS_COLS, BIAS_ROWS, 1);
  }

  /**
   * sgemm_tiled: one block of 16 × 16 threads per 64×64 tile of C. Row tiles go on x, whose limit no int m
   * reaches; column tiles on y and the batch on z, each limited to {@link #MAX_GRID_YZ}.
   */
  static Grid gemmTiles(int m, int n, int batch) {
    return gemm(m, n, batch, GEMM_TILE, GEMM_TILE, GEMM_THREADS_PER_SIDE, GEMM_THREADS_PER_SIDE);
  }

  /** sgemm_large: one block of {@link #THREADS} threads per 128×128 tile of C, laid out as {@link #gemmTiles}. */
  static Grid gemmLargeTiles(int m, int n, int batch) {
    return gemm(m, n, batch, GEMM_LARGE_TILE, GEMM_LARGE_TILE, THREADS, 1);
  }

  /** hgemm_f16_k8: one block of {@link #THREADS} threads per 128×128 tile of C, laid out as {@link #gemmTiles}. */
  static Grid tensorGemmTiles(int m, int n, int batch) {
    return gemm(m, n, batch, TENSOR_GEMM_TILE, TENSOR_GEMM_TILE, THREADS, 1);
  }

  /** The sm_80 hgemm entries: one block of {@code threads} per tileM × tileN tile of C, as {@link #gemmTiles}. */
  static Grid tensorGemmTiles(int m, int n, int batch, int tileM, int tileN, int threads) {
    return gemm(m, n, batch, tileM, tileN, threads, 1);
  }

  /** One block of {@link #BLOCK_MAX_THREADS} threads per channel (batchnorm.cu), capped as other block counts. */
  static Grid blockPerChannel(int channels) {
    return new Grid(Math.min(channels, MAX_BLOCKS), 1, 1, BLOCK_MAX_THREADS, 1, 1);
  }

  private static Grid gemm(int m, int n, int batch, int tileM, int tileN, int blockX, int blockY) {
    int colTiles = ceilDiv(n, tileN);
    if (colTiles > MAX_GRID_YZ) {
      throw new IllegalArgumentException(
          "gemm: n " + n + " needs " + colTiles + " column tiles, more than the tiled kernel's " + MAX_GRID_YZ);
    }
    if (batch > MAX_GRID_YZ) {
      throw new IllegalArgumentException("gemm: batch " + batch + " exceeds the tiled kernel's " + MAX_GRID_YZ);
    }
    return new Grid(ceilDiv(m, tileM), colTiles, batch, blockX, blockY, 1);
  }

  boolean isEmpty() {
    return (long) gridX * gridY * gridZ == 0;
  }

  private static int blocks(long n, int threads) {
    return (int) Math.min(ceilDiv(n, threads), MAX_BLOCKS);
  }

  /** In long: a + b − 1 overflows int for a near Integer.MAX_VALUE. */
  static int ceilDiv(int a, int b) {
    return (int) ceilDiv((long) a, b);
  }

  /** ⌈a / b⌉ for a ≥ 0, b &gt; 0 (Math.ceilDiv arrives in Java 18). */
  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
