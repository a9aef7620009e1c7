package io.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * {@link Gemm16} through tensor_gemm.cuh's mma.sync kernels: the fallback when cuBLAS 12 does not load. bf16 and
 * the m16n8k16 fp16 kernel come from the sm_80 module; on Turing (sm_75) fp16 runs the m16n8k8 kernel and bf16 is
 * refused with a one-line error naming the device. A product whose 128×128 tiles leave multiprocessors idle and
 * whose K is long is split along K as {@link TiledGemm} does: partial products into a float32 workspace from the
 * caching allocator, then hgemm_sum_splits adds them in a fixed order and writes C in its own type.
 */
final class TensorGemm implements Gemm16 {
  /** tensor_gemm.cuh's HG_SPLIT_ALIGN, equal to gemm.cu's, so TiledGemm's chunking rule applies unchanged. */
  static final int SPLIT_ALIGN = TiledGemm.SPLIT_ALIGN;

  private final CudaContext context;
  private final Kernel f16;
  private final Kernel bf16;
  private final Kernel sumSplits;
  private final int multiprocessors;
  private final CachingAllocator<CUdeviceptr> allocator;

  TensorGemm(CudaContext context, CachingAllocator<CUdeviceptr> allocator) {
    this.context = context;
    boolean ampere = context.runs(PtxModule.TENSOR_GEMM_SM80);
    f16 = ampere
        ? context.kernel(PtxModule.TENSOR_GEMM_SM80, "hgemm_f16")
        : context.kernel(PtxModule.TENSOR_GEMM, "hgemm_f16_k8");
    bf16 = ampere ? context.kernel(PtxModule.TENSOR_GEMM_SM80, "hgemm_bf16") : null;
    sumSplits = context.kernel(PtxModule.TENSOR_GEMM, "hgemm_sum_splits");
    multiprocessors = context.multiprocessors();
    this.allocator = allocator;
  }

  @Override
  public String name() {
    return "tensor";
  }

  @Override
  public void run(
      Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CUdeviceptr a,
      long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c, long strideC) {
    int splits = TiledGemm.splits(m, n, k, batch, Grid.TENSOR_GEMM_TILE, multiprocessors);
    run(splits, input, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c, strideC);
  }

  /** As {@link #run}, with the chunks named whatever the shape, so that tests cover both paths. */
  void run(
      int splits, Storage input, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c,
      long strideC) {
    Kernel kernel = kernelFor(input);
    if (splits == 1) {
      launch(kernel, 1, transA, transB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, output, c, strideC);
      return;
    }
    long count = (long) m * n;
    allocator.withWorkspace(count * batch * splits * Float.BYTES, partial -> {
      launch(kernel, splits, transA, transB, batch, m, n, k, 1f, a, strideA, b, strideB, 0f, Storage.FLOAT32,
          partial, count);
      sumSplits.launch(
          Grid.elementwise(count * batch),
          new KernelArgs().i64(count).i32(batch).i32(splits).f32(alpha).ptr(partial).f32(beta)
              .i32(output.ordinal()).ptr(c).i64(strideC));
    });
  }

  private Kernel kernelFor(Storage input) {
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
      Kernel kernel, int splits, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
      CUdeviceptr a, long strideA, CUdeviceptr b, long strideB, float beta, Storage output, CUdeviceptr c,
      long strideC) {
    kernel.launch(
        Grid.tensorGemmTiles(m, n, batch * splits),
        new KernelArgs()
            .i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k).i32(splits).f32(alpha)
            .ptr(a).i64(strideA).ptr(b).i64(strideB).f32(beta).i32(output.ordinal()).ptr(c).i64(strideC));
  }
}
