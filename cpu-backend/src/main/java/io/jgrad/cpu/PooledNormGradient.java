package io.jgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch norm's input gradient under a 2×2 max pool of stride 2, one plane in one pass: dx = b·(x − mean) + d at every
 * position and, at each window's maximum, a·dy + that in one fused multiply-add, exactly as the plane pass followed by
 * a scalar scatter of a·dy computed it (that scatter was about a third of the fused backward's time). Each vector of
 * one input row gathers its lanes' windows' dy and indices (two lanes a window) and adds a·dy where the index is the
 * lane's own position. A row is covered by vectors of L columns, the last ending at the row's end (overlapping the one
 * before where W is not a multiple of L: the same values stored twice), so rows must be at least a vector wide.
 * Legend: the input plane is H×W, the pooled one OH×OW; indices are positions in the input plane.
 */
final class PooledNormGradient {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

  private final int height;
  private final int width;
  private final int outHeight;
  private final int outWidth;
  /** The first column of each vector of a row: 0, L, 2L, …, then W − L where W is not a multiple of L. */
  private final int[] starts;
  /**
   * Lane k of vector v: the window of column starts[v] + k within its pooled row, at [v·L + k]; a column past the last
   * window (odd W) takes the last window, whose maximum is never that column.
   */
  private final int[] windows;

  /** Whether this class takes planes of this width: at least a vector. */
  static boolean applies(int width) {
    return width >= L;
  }

  PooledNormGradient(int height, int width, int outHeight, int outWidth) {
    this.height = height;
    this.width = width;
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    int vectors = (width + L - 1) / L;
    starts = new int[vectors];
    windows = new int[vectors * L];
    for (int v = 0; v < vectors; v++) {
      starts[v] = Math.min(v * L, width - L);
      for (int k = 0; k < L; k++) {
        windows[v * L + k] = Math.min((starts[v] + k) / 2, outWidth - 1);
      }
    }
  }

  /**
   * dx[in + pos] for the plane at x[in] whose pooled dy and indices start at out, with mean m and the coefficients a,
   * b, d of {@link PoolNormKernels}' channel gradient.
   */
  void plane(float[] x, float[] dy, int[] indices, float[] dx, int in, int out, float m, float a, float b, float d) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector va = FloatVector.broadcast(F, a);
    FloatVector vb = FloatVector.broadcast(F, b);
    FloatVector vd = FloatVector.broadcast(F, d);
    for (int oi = 0; oi < outHeight; oi++) {
      int pooled = out + oi * outWidth;
      for (int v = 0; v < starts.length; v++) {
        FloatVector g = FloatVector.fromArray(F, dy, pooled, windows, v * L);
        IntVector at = IntVector.fromArray(I, indices, pooled, windows, v * L);
        int top = 2 * oi * width + starts[v];
        VectorMask<Float> hit = at.eq(IOTA.add(top)).cast(F);
        FloatVector plain = FloatVector.fromArray(F, x, in + top).sub(vm).fma(vb, vd);
        plain.blend(g.fma(va, plain), hit).intoArray(dx, in + top);
        int bottom = top + width;
        hit = at.eq(IOTA.add(bottom)).cast(F);
        plain = FloatVector.fromArray(F, x, in + bottom).sub(vm).fma(vb, vd);
        plain.blend(g.fma(va, plain), hit).intoArray(dx, in + bottom);
      }
    }
    // A last row in no window (odd H): the plane pass alone.
    for (int r = 2 * outHeight; r < height; r++) {
      for (int start : starts) {
        int p = in + r * width + start;
        FloatVector.fromArray(F, x, p).sub(vm).fma(vb, vd).intoArray(dx, p);
      }
    }
  }
}
