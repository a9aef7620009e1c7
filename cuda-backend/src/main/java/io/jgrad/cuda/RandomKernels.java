package io.jgrad.cuda;

import io.jgrad.spi.Distribution;
import jcuda.driver.CUdeviceptr;

/**
 * Launcher of random.cu: Philox4x32-10 draws identical to {@link io.jgrad.internal.Philox} (rounded once more for a
 * bf16 or fp16 out). Shapes: out [n].
 */
final class RandomKernels {
  private final StorageKernels random;

  RandomKernels(CudaContext context) {
    random = new StorageKernels(context, PtxModule.RANDOM, "philox_random");
  }

  /**
   * @param shiftAt null, or an int64 on the device added to {@code offset}: the counters a replayed CUDA graph reads
   */
  void run(Distribution dist, double a, double b, long seed, long offset, CudaBuffer out, CUdeviceptr shiftAt) {
    long n = out.length();
    random.of("random", out).args().i32(dist == Distribution.UNIFORM ? 0 : 1).f64(a).f64(b).i32((int) seed)
        .i32((int) (seed >>> 32)).i64(offset).ptr(out.pointer()).i64(n).ptr(shiftAt).launch(Grid.elementwise(n));
  }
}
