package io.jgrad.cuda;

import io.jgrad.spi.ReduceOp;
import jcuda.driver.CUdeviceptr;

/**
 * Launcher of reduce.cu: x [outer, n, inner] reduced over n into out [outer, inner]; one block per output, or, when
 * there are fewer outputs than multiprocessors and the axis is long (a whole-tensor sum, a gradient's norm), one
 * block per stretch of {@link #MIN_CHUNK} or more, whose partial results (in a workspace from the caching allocator)
 * reduce_chunks combines in order.
 */
final class ReduceKernels {
  /** The shortest stretch worth a block of its own. */
  static final int MIN_CHUNK = 16_384;
  /** Blocks per multiprocessor that a chunked reduction aims for (a choice, not a measured optimum). */
  static final int BLOCKS_PER_MULTIPROCESSOR = 8;
  /** reduce.cu's Partial: double sum, float best, int index (its static_assert, checked by KernelSourceTest). */
  static final int PARTIAL_BYTES = 16;

  private final StorageKernels reduce;
  private final StorageKernels combine;
  private final int multiprocessors;
  private final CachingAllocator<CUdeviceptr> allocator;

  ReduceKernels(CudaContext context, CachingAllocator<CUdeviceptr> allocator) {
    reduce = new StorageKernels(context, PtxModule.REDUCE, "reduce_axis");
    combine = new StorageKernels(context, PtxModule.REDUCE, "reduce_chunks");
    this.multiprocessors = context.multiprocessors();
    this.allocator = allocator;
  }

  /** Stretches of the axis per output: 1 unless outputs are too few to fill the device and n is long. */
  static int chunks(long outputs, int n, int multiprocessors) {
    if (outputs == 0 || outputs >= multiprocessors || n < 2 * MIN_CHUNK) {
      return 1;
    }
    long wanted = Grid.ceilDiv((long) BLOCKS_PER_MULTIPROCESSOR * multiprocessors, outputs);
    return (int) Math.min(wanted, n / MIN_CHUNK);
  }

  void run(ReduceOp op, CudaBuffer x, int outer, int n, int inner, CudaBuffer out) {
    Check.nonNegative("reduce", "outer", outer);
    Check.nonNegative("reduce", "inner", inner);
    Check.that(n > 0 || op == ReduceOp.SUM || op == ReduceOp.MEAN, "reduce", op + " over an empty axis");
    Check.nonNegative("reduce", "n", n);
    Check.typed("reduce", "x", x, x.dtype(), (long) outer * n * inner);
    Check.typed("reduce", "out", out, x.dtype(), (long) outer * inner);
    run(op, x, outer, n, inner, out, chunks((long) outer * inner, n, multiprocessors));
  }

  /** As {@link #run(ReduceOp, CudaBuffer, int, int, int, CudaBuffer)}, with the chunk count chosen. */
  private void run(ReduceOp op, CudaBuffer x, int outer, int n, int inner, CudaBuffer out, int chunks) {
    long outputs = (long) outer * inner;
    Grid grid = Grid.blockPerItem(outputs * chunks, Grid.ceilDiv(n, chunks));
    if (chunks == 1) {
      reduce(op, x, outer, n, inner, 1, null, out).launch(grid);
      return;
    }
    allocator.withWorkspace(outputs * chunks * PARTIAL_BYTES, partial -> {
      reduce(op, x, outer, n, inner, chunks, partial, out).launch(grid);
      combine.of("reduce", x).args().i32(op.ordinal()).i64(outputs).i32(n).i32(chunks).ptr(partial).ptr(out.pointer())
          .launch(Grid.elementwise(outputs));
    });
  }

  private KernelArgs reduce(
      ReduceOp op, CudaBuffer x, int outer, int n, int inner, int chunks, CUdeviceptr partial, CudaBuffer out) {
    return reduce.of("reduce", x).args().i32(op.ordinal()).ptr(x.pointer()).i32(outer).i32(n).i32(inner).i32(chunks)
        .ptr(partial).ptr(out.pointer());
  }
}
