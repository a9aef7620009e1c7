package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.ReducedFloats;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a float32 SIMD kernel on 16-bit buffers: {@link #in} widens an operand into a pooled float32 array, {@link #out}
 * hands out one for a result, and {@link #close} rounds each result once into its 16-bit buffer (nearest-even, as
 * the Backend contract asks) and returns the arrays to the pool. One pass each way over the data, against the
 * reference loops' per-element dtype dispatch in double.
 */
final class Float32Staging implements AutoCloseable {
  private final ArrayPool pool;
  private final List<CpuBuffer> staged = new ArrayList<>(4);
  private final List<CpuBuffer> results = new ArrayList<>(2);

  Float32Staging(ArrayPool pool) {
    this.pool = pool;
  }

  /** The values of a 16-bit buffer (or null) as float32. */
  float[] in(CpuBuffer b) {
    if (b == null) {
      return null;
    }
    float[] f = stage(b).floats();
    short[] s = b.shorts();
    if (b.dtype() == DType.BFLOAT16) {
      for (int i = 0; i < s.length && i < b.size(); i++) {
        f[i] = Float.intBitsToFloat(s[i] << 16);
      }
    } else {
      for (int i = 0; i < b.size(); i++) {
        f[i] = ReducedFloats.fromFloat16(s[i]);
      }
    }
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
      float[] f = results.get(r + 1).floats();
      short[] s = dst.shorts();
      boolean bf16 = dst.dtype() == DType.BFLOAT16;
      for (int i = 0; i < dst.size(); i++) {
        s[i] = bf16 ? ReducedFloats.toBfloat16(f[i]) : ReducedFloats.toFloat16(f[i]);
      }
    }
    staged.forEach(pool::release);
  }
}
