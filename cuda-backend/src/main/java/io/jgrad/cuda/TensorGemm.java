package io.jgrad.cuda;

import java.util.Arrays;
import java.util.stream.Collectors;
import jcuda.driver.CUdeviceptr;

/**
 * {@link Gemm16} through jgrad's mma.sync kernels: the fallback when cuBLAS 12 does not load. On sm_80 and newer,
 * bf16 and fp16 run tensor_gemm_pipeline.cuh (cp.async pipeline, ldmatrix, 64×64 warp tiles) in the shape of one
 * {@link Variant}; on Turing (sm_75) fp16 runs tensor_gemm.cuh's m16n8k8 kernel and bf16 is refused with a
 * one-line error naming the device. A product whose tiles leave multiprocessors idle and whose K is long is split
 * along K: partial products into a float32 workspace from the caching allocator, then hgemm_sum_splits adds them
 * in a fixed order and writes C in its own type.
 */
final class TensorGemm implements Gemm16 {
  /** tensor_gemm.cuh's HG_SPLIT_ALIGN, equal to gemm.cu's, so TiledGemm's chunking rule applies unchanged. */
  static final int SPLIT_ALIGN = TiledGemm.SPLIT_ALIGN;
  /** Names the sm_80 {@link Variant} by its label (e.g. {@code -Djgrad.tensorGemm.variant=128x128}). */
  static final String VARIANT_PROPERTY = "jgrad.tensorGemm.variant";
  /** The shortest chunk of K worth a block of its own when splitting: eight K steps of 32 (four of 64). */
  static final int MIN_CHUNK = 256;

  /**
   * The sm_80 kernel shapes, one tensor_gemm_sm80.cu entry per input type: a tileM × tileN block tile computed by
   * square warp tiles of {@code warpTile}, a cp.async pipeline {@code stages} deep of K steps of {@code tileK},
   * whether each MMA step's fragments are loaded during the previous step's MMAs (across stages too), and the blocks
   * one multiprocessor holds at once (222–254 registers a thread for 64×64 warp tiles, 80 for 32×32; ptxas for
   * sm_80 and sm_90).
   */
  enum Variant {
    TILE_128X256_PREFETCH("128x256p", 128, 256, 32, 64, 3, true, 1),
    TILE_128X256("128x256", 128, 256, 32, 64, 3, false, 1),
    TILE_128X128("128x128", 128, 128, 32, 64, 4, false, 2),
    TILE_128X256_K64("128x256k64", 128, 256, 64, 64, 3, false, 1),
    /** The small products' kernel, whatever the variant: see {@link #prefersSmallTiles}. */
    TILE_64X64("64x64", 64, 64, 32, 32, 3, false, 4);

    /**
     * The shape used unless {@link #VARIANT_PROPERTY} names another: eight warps of 64×64 (CUTLASS's usual Ampere
     * shape) with fragments prefetched across K steps, whose 92 KB of shared memory also fit sm_86/sm_89's 99 KB.
     * A choice made before any device measurement: docs/bench/hgemm_gpu.cu compares them all.
     */
    static final Variant DEFAULT = TILE_128X256_PREFETCH;

    final String label;
    final int tileM;
    final int tileN;
    final int tileK;
    final int warpTile;
    final int stages;
    final boolean prefetch;
    final int residentBlocks;

    Variant(
        String label, int tileM, int tileN, int tileK, int warpTile, int stages, boolean prefetch,
        int residentBlocks) {
      this.label = label;
      this.tileM = tileM;
      this.tileN = tileN;
      this.tileK = tileK;
      this.warpTile = warpTile;
      this.stages = stages;
      this.prefetch = prefetch;
      this.residentBlocks = residentBlocks;
    }

    /** One warp per warp tile. */
    int threads() {
      return tileM / warpTile * (tileN / warpTile) * 32;
    }

    /** tensor_gemm_pipeline.cuh's SHARED_BYTES: each stage holds A and B as rows of tileK + 8 padding elements. */
    int sharedBytes() {
      return stages * (tileM + tileN) * (tileK + 8) * 2;
    }

    String entry(Storage input) {
      return (input == Storage.BFLOAT16 ? "hgemm_bf16_" : "hgemm_f16_") + label;
    }

    /** The variant {@link #VARIANT_PROPERTY} names, or {@link #DEFAULT} when it is unset. */
    static Variant fromProperty() {
      String label = System.getProperty(VARIANT_PROPERTY);
      if (label == null) {
        return DEFAULT;
      }
      return Arrays.stream(values()).filter(v -> v.label.equals(label)).findFirst().orElseThrow(
          () -> new IllegalArgumentException(VARIANT_PROPERTY + ": unknown tensor GEMM variant '" + label
              + "'; one of " + Arrays.stream(values()).map(v -> v.label).collect(Collectors.joining(", "))));
    }
  }

  /** One kernel with the geometry it is launched with. */
  private record Launcher(Kernel kernel, int tileM, int tileN, int threads, int residentBlocks) {}

  private final CudaContext context;
  private final Variant variant;
  private final Launcher f16;
  private final Launcher bf16;
  /** {@link Variant#TILE_64X64}'s kernels on sm_80+ (null on Turing): for products that would leave most idle. */
  private final Launcher f16Small;
  private final Launcher bf16Small;
  private final Kernel sumSplits;
  private final int multiprocessors;
  private final CachingAllocator<CUdeviceptr> allocator;

  TensorGemm(CudaContext context, CachingAllocator<CUdeviceptr> allocator) {
    this(context, allocator, Variant.fromProperty());
  }

  /**
   * With the sm_80 kernels of {@code variant}, or of {@link Variant#TILE_128X128} where the device's shared memory
   * per block is too small for it (128x256k64's 162 KB on sm_86/sm_89, which have 99 KB).
   */
  TensorGemm(CudaContext context, CachingAllocator<CUdeviceptr> allocator, Variant variant) {
    this.context = context;
    boolean ampere = context.runs(PtxModule.TENSOR_GEMM_SM80);
    if (ampere && variant.sharedBytes() > context.sharedMemoryPerBlockOptIn()) {
      variant = Variant.TILE_128X128;
    }
    this.variant = ampere ? variant : null;
    f16 = ampere
        ? pipelined(context, variant, Storage.FLOAT16)
        : new Launcher(context.kernel(PtxModule.TENSOR_GEMM, "hgemm_f16_k8"), Grid.TENSOR_GEMM_TILE,
            Grid.TENSOR_GEMM_TILE, Grid.THREADS, 1);
    bf16 = ampere ? pipelined(context, variant, Storage.BFLOAT16) : null;
    f16Small = ampere ? pipelined(context, Variant.TILE_64X64, Storage.FLOAT16) : null;
    bf16Small = ampere ? pipelined(context, Variant.TILE_64X64, Storage.BFLOAT16) : null;
    sumSplits = context.kernel(PtxModule.TENSOR_GEMM, "hgemm_sum_splits");
    multiprocessors = context.multiprocessors();
    this.allocator = allocator;
  }

  private static Launcher pipelined(CudaContext context, Variant variant, Storage input) {
    Kernel kernel = context.kernel(PtxModule.TENSOR_GEMM_SM80, variant.entry(input))
        .withDynamicSharedMemory(variant.sharedBytes());
    return new Launcher(kernel, variant.tileM, variant.tileN, variant.threads(), variant.residentBlocks);
  }

  @Override
  public String name() {
    return "tensor";
  }

  /** The sm_80 kernel shape in use, or null on Turing (the m16n8k8 kernel). */
  Variant variant() {
    return variant;
  }

  @Override
  public void run(
      Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a,
      long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c, long strideC) {
    Launcher launcher = launcherFor(input);
    if (variant == null) {
      int splits = TiledGemm.splits(m, n, k, batch, Grid.TENSOR_GEMM_TILE, multiprocessors);
      run(launcher, splits, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c, strideC);
      return;
    }
    if (prefersSmallTiles(tiles(launcher, m, n), batch, multiprocessors)) {
      launcher = input == Storage.FLOAT16 ? f16Small : bf16Small;
    }
    int splits = splits(tiles(launcher, m, n), batch, k, multiprocessors * launcher.residentBlocks());
    run(launcher, splits, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c, strideC);
  }

  private static long tiles(Launcher launcher, int m, int n) {
    return Grid.ceilDiv(m, launcher.tileM()) * (long) Grid.ceilDiv(n, launcher.tileN());
  }

  /**
   * Whether a product whose big tiles number {@code tiles} per matrix runs on {@link Variant#TILE_64X64} instead:
   * when its blocks would fill less than half of the multiprocessors (one big block each), as an MLP layer at
   * batch 128 does; eight times the blocks, each doing less per byte of shared memory.
   */
  static boolean prefersSmallTiles(long tiles, int batch, int multiprocessors) {
    return tiles < multiprocessors / 2 && tiles * batch < multiprocessors / 2;
  }

  /**
   * Chunks of K for {@code tiles × batch} blocks on {@code slots} resident blocks: the count (chunks of at least
   * {@link #MIN_CHUNK}) that minimises waves × chunk length, kept only when that is at most three quarters of the
   * unsplit product's, since the partial products cost a workspace pass. Big tiles hold one block per
   * multiprocessor, so a product a little short of one wave (128 tiles on 132) gains nothing from splitting.
   */
  static int splits(long tiles, int batch, int k, int slots) {
    long blocks = tiles * batch;
    int most = (int) Math.min(Math.min(16, k / MIN_CHUNK), Grid.MAX_GRID_YZ / batch);
    double unsplit = Grid.ceilDiv(blocks, slots);
    int best = 1;
    double bestCost = unsplit;
    for (int s = 2; s <= most; s++) {
      int chunk = TiledGemm.chunk(k, s);
      int chunks = (int) Grid.ceilDiv(k, chunk);
      double cost = (double) Grid.ceilDiv(blocks * chunks, slots) * chunk / k;
      if (cost < bestCost) {
        best = chunks;
        bestCost = cost;
      }
    }
    return bestCost <= 0.75 * unsplit ? best : 1;
  }

  /** As {@link #run} on this variant's kernel, with the chunks named whatever the shape, so that tests cover both. */
  void run(
      int splits, Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c,
      long strideC) {
    run(launcherFor(input), splits, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c,
        strideC);
  }

  private void run(
      Launcher launcher, int splits, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c,
      long strideC) {
    if (splits == 1) {
      launch(launcher, 1, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c, strideC);
      return;
    }
    long count = (long) m * n;
    allocator.withWorkspace(count * batch * splits * Float.BYTES, partial -> {
      launch(launcher, splits, transA, transB, batch, m, n, k, 1f, a, strideA, b, strideB, 0f, Storage.FLOAT32,
          partial, count);
      sumSplits.args().i64(count).i32(batch).i32(splits).f32(alpha).ptr(partial).f32(beta).i32(output.ordinal()).ptr(c)
          .i64(strideC).launch(Grid.elementwise(count * batch));
    });
  }

  private Launcher launcherFor(Storage input) {
    switch (input) {
      case FLOAT16:
        return f16;
      case BFLOAT16:
        if (bf16 == null) {
          throw new UnsupportedOperationException("gemm: bfloat16 needs a GPU of compute capability 8.0 or newer"
              + " (Ampere); " + context.deviceName() + " is " + context.computeCapability() / 10 + "."
              + context.computeCapability() % 10 + ": use float16 or float32");
        }
        return bf16;
      default:
        throw new IllegalArgumentException("gemm: the tensor-core kernels take bfloat16 or float16, not " + input);
    }
  }

  private static void launch(
      Launcher launcher, int splits, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c,
      long strideC) {
    launcher.kernel().args().i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k).i32(splits).f32(alpha).ptr(a)
        .i64(strideA).ptr(b).i64(strideB).f32(beta).i32(output.ordinal()).ptr(c).i64(strideC)
        .launch(Grid.tensorGemmTiles(m, n, batch * splits, launcher.tileM(), launcher.tileN(), launcher.threads()));
  }
}
