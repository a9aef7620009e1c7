package io.jgrad.cpu;

import io.jgrad.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a float32 SIMD kernel on 16-bit buffers: {@link #in} widens an operand into a pooled float32 array, {@link #out}
 * hands out one for a result, and {@link #close} rounds each result once into its 16-bit buffer (nearest-even, as
 * the Backend contract asks) and returns the arrays to the pool. One vector pass each way over the data ({@link
 * FloatKernels#widen}, {@link FloatKernels#round}).
 */
final class Float32Staging implements AutoCloseable {
  private final ArrayPool pool;
  private final FloatKernels simd;
  private final List<CpuBuffer> staged = new ArrayList<>(4);
  private final List<CpuBuffer> results = new ArrayList<>(2);

  Float32Staging(ArrayPool pool, FloatKernels simd) {
    this.pool = pool;
    this.simd = simd;
  }

  /** The values of a 16-bit buffer (or null) as float32. */
  float[] in(CpuBuffer b) {
    if (b == null) {
      return null;
    }
    float[] f = stage(b).floats();
    simd.widen(b.dtype(), b.shorts(), 0, f, 0, b.size());
    return f;
  }

  /** A float32 array whose contents {@link #close} rounds into the 16-bit buffer {@code b}. */
  float[] out(CpuBuffer b) {
    CpuBuffer f = stage(b);
    results.add(b);
    results.add(f);
    return f.floats();
  }

  private CpuBuffer stage(CpuBuffer like) {
    CpuBuffer f = pool.allocate(DType.FLOAT32, like.length());
    staged.add(f);
    return f;
  }

  @Override
  public void close() {
    for (int r = 0; r < results.size(); r += 2) {
      CpuBuffer dst = results.get(r);
      simd.round(dst.dtype(), results.get(r + 1).floats(), 0, dst.shorts(), 0, dst.size());
    }
    staged.forEach(pool::release);
  }
}
