package io.jgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CNN's max pooling (2×2 windows, stride 2, no padding) in the Vector API, L windows of one output row at a time:
 * the even and odd columns of the two input rows are split apart, each row's pair compared, then the two rows. The
 * scalar form ran 30–40 cycles a window (data-dependent branches, or long-key compares), 9 ms of a 40 ms CNN step.
 *
 * <p>Ties and NaN as torch: taps compete in window order (top pair first), the first maximum wins and the first NaN
 * beats every number; comparing within each row's pair and then top against bottom keeps that order. Legend: the
 * input plane is H×W, the output plane OH×OW with OH = ⌊H/2⌋, OW = ⌊W/2⌋; indices are positions in the input plane.
 */
final class MaxPool2x2 {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /**
   * Lane i takes lane 2i (mod L) of a vector: applied to two vectors of 2L consecutive inputs and blended at the
   * middle, the even columns. One-vector shuffles and a constant blend: JDK 17 boxed the two-vector rearrange (32 bytes
   * a call).
   */
  private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(F, i -> 2 * i % L);
  private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(F, i -> (2 * i + 1) % L);
  /** The lanes L/2 … L − 1 as a mask's bits: those that take the second vector's columns. */
  private static final long UPPER_LANES = (-1L << (L / 2)) & ((1L << L) - 1);
  private static final VectorMask<Float> UPPER = VectorMask.fromLong(F, UPPER_LANES);
  /** 0, 2, 4, …: the top-left tap's offset from the row's first window, lane by lane. */
  private static final IntVector EVEN_OFFSETS = IntVector.zero(I).addIndex(2);
  /**
   * The same for two output rows of L/2 windows each (input rows of L floats): the upper half of the lanes is the next
   * row, whose top-left taps lie 2W = 2L further on, past the L the even offsets already reach.
   */
  private static final IntVector TWO_ROW_OFFSETS =
      EVEN_OFFSETS.add(IntVector.broadcast(I, L), VectorMask.fromLong(I, UPPER_LANES));

  private MaxPool2x2() {}

  /**
   * Pools the planes [from, to) of x [B·C, H, W] into y and indices [B·C, OH, OW]. A vector of L windows that runs past
   * the end of its output row writes into the rows after it, which are written over later; past the last row of the
   * range (another thread's) or past the end of x, the scalar form takes over.
   */
  static void planes(float[] x, float[] y, int[] indices, int from, int to, int h, int w) {
    for (int bc = from; bc < to; bc++) {
      plane(x, 1f, -0f, y, indices, bc, to, h, w); // x·1 + (−0) is x, signed zeros and NaN included
    }
  }

  /**
   * Pools plane bc of scale·x + shift, each tap normalised by one fused multiply-add as batch norm's kernel computes
   * it, so the windows compare the values batch norm would have written. The planes from bc up to {@code to} belong
   * to this thread: vectors may write ahead into them, never past them.
   */
  static void plane(float[] x, float scale, float shift, float[] y, int[] indices, int bc, int to, int h, int w) {
    int oh = h / 2;
    int ow = w / 2;
    int end = to * oh * ow;
    int plane = bc * h * w;
    for (int i = 0; i < oh; i++) {
      int out = (bc * oh + i) * ow;
      int top = 2 * i * w;
      if (w == L && i + 1 < oh) {
        // Rows of L/2 windows: two output rows a vector (a row a vector computed L/2 windows the next row overwrote).
        int a = plane + top;
        windows(x, a, a + 2 * w, a + w, a + 3 * w, scale, shift, true, top, w, y, indices, out);
        i++;
        continue;
      }
      int j = 0;
      for (; j < ow && out + j + L <= end && plane + top + 2 * j + w + 2 * L <= x.length; j += L) {
        int a = plane + top + 2 * j;
        windows(x, a, a + L, a + w, a + w + L, scale, shift, false, top + 2 * j, w, y, indices, out + j);
      }
      for (; j < ow; j++) {
        window(x, scale, shift, y, indices, bc, i, j, h, w);
      }
    }
  }

  /**
   * L windows into y and indices at out: the top rows' inputs at t0 and t1 (the first L/2 windows from t0's L floats,
   * the rest from t1's), the bottom rows' at b0 and b1, each tap taken as scale·x + shift; the first window's top-left
   * tap at position first of its plane, the others at the even offsets from it ({@code twoRows}: the upper half a row
   * further on, see TWO_ROW_OFFSETS).
   */
  private static void windows(float[] x, int t0, int t1, int b0, int b1, float scale, float shift, boolean twoRows,
      int first, int w, float[] y, int[] indices, int out) {
    FloatVector vs = FloatVector.broadcast(F, scale);
    FloatVector vh = FloatVector.broadcast(F, shift);
    FloatVector vt0 = FloatVector.fromArray(F, x, t0).fma(vs, vh);
    FloatVector vt1 = FloatVector.fromArray(F, x, t1).fma(vs, vh);
    FloatVector vb0 = FloatVector.fromArray(F, x, b0).fma(vs, vh);
    FloatVector vb1 = FloatVector.fromArray(F, x, b1).fma(vs, vh);
    FloatVector topLeft = vt0.rearrange(EVENS).blend(vt1.rearrange(EVENS), UPPER);
    FloatVector topRight = vt0.rearrange(ODDS).blend(vt1.rearrange(ODDS), UPPER);
    FloatVector bottomLeft = vb0.rearrange(EVENS).blend(vb1.rearrange(EVENS), UPPER);
    FloatVector bottomRight = vb0.rearrange(ODDS).blend(vb1.rearrange(ODDS), UPPER);
    VectorMask<Float> right = beats(topRight, topLeft);
    VectorMask<Float> bottomRightWins = beats(bottomRight, bottomLeft);
    FloatVector topMax = topLeft.blend(topRight, right);
    FloatVector bottomMax = bottomLeft.blend(bottomRight, bottomRightWins);
    VectorMask<Float> bottom = beats(bottomMax, topMax);
    IntVector topLefts = (twoRows ? TWO_ROW_OFFSETS : EVEN_OFFSETS).add(first);
    IntVector topArg = topLefts.add(1, right.cast(I));
    IntVector bottomArg = topLefts.add(w).add(1, bottomRightWins.cast(I));
    topMax.blend(bottomMax, bottom).intoArray(y, out);
    topArg.blend(bottomArg, bottom.cast(I)).intoArray(indices, out);
  }

  /** e beats the maximum so far: greater, or the first NaN. */
  private static VectorMask<Float> beats(FloatVector e, FloatVector max) {
    return e.compare(VectorOperators.GT, max)
        .or(e.compare(VectorOperators.NE, e).andNot(max.compare(VectorOperators.NE, max)));
  }

  /** One window (output row i, column j of plane bc) of scale·x + shift, tap by tap. */
  private static void window(float[] x, float scale, float shift, float[] y, int[] indices, int bc, int i, int j,
      int h, int w) {
    int plane = bc * h * w;
    int a = 2 * i * w + 2 * j;
    int arg = a;
    float max = Math.fma(x[plane + a], scale, shift);
    for (int t = 1; t < 4; t++) {
      int tap = a + (t >> 1) * w + (t & 1); // window order: top right, bottom left, bottom right
      float e = Math.fma(x[plane + tap], scale, shift);
      if (e > max || (e != e && max == max)) {
        max = e;
        arg = tap;
      }
    }
    int out = (bc * (h / 2) + i) * (w / 2) + j;
    y[out] = max;
    indices[out] = arg;
  }
}
