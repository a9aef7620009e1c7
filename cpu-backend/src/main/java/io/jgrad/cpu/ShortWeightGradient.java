package io.jgrad.cpu;

import io.jgrad.Window2d;
import io.jgrad.spi.Conv2dGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of an image net's first layer — a 3×3 window of stride 1 over at most three input channels —
 * without im2col or a GEMM: dW[o, c, p, q] = Σ over the output positions of dy[o, pos] ·
 * x[c] at that position shifted by tap (p, q). As a GEMM its product is 9 or 27 columns wide against a 32-wide tile,
 * and dy must be transposed for it, read from memory once more; here dy is read as it lies, in rows.
 *
 * <p>The sample is copied into rows of the output's width, once per input channel and horizontal tap q: row R of copy
 * (c, q) holds x[c, R − padH, j + q·dilationW − padW] (0 outside x) for every output column j, over the H + 2·padH rows
 * a vertical tap can reach. Tap (p, q) at output position pos = i·OW + j is then element pos + p·dilationH·OW of copy
 * (c, q): every tap is one contiguous run beside dy's row, and one loop over the positions serves all nine, with no
 * edge cases inside it. Two output channels by nine taps are eighteen accumulators, each vector of dy and of a tap read
 * once for nine or two multiply-adds, carried over the positions of a {@link #GROUP} of samples.
 *
 * <p>Each weight's sum runs over the positions in vector lanes, the lanes added in {@link LaneSums}' fixed order, then
 * the positions past the last whole vector; so the result does not depend on the thread that computes it.
 */
final class ShortWeightGradient {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final int TAPS = 9;
  /**
   * Samples whose sums one set of accumulators carries: their lanes are added up once per group, not per sample (per
   * sample, CIFAR-10's first layer took 2.96 ms against 1.94–2.04: docs/benchmarks.md).
   */
  static final int GROUP = 8;

  private final int channels;
  private final int height;
  private final int width;
  private final int padH;
  private final int padW;
  private final int dilationH;
  private final int dilationW;
  private final int outChannels;
  private final int outWidth;
  private final int positions;
  /** Rows of one shifted copy: every row a vertical tap reaches. */
  private final int rows;
  /** Floats of one sample's shifted copies (3 per input channel). */
  private final int sample;
  /** Where the scratch holds a call's accumulators, past a group's shifted copies. */
  private final int sums;

  /**
   * Whether g is one this class computes: one group, a 3×3 window of stride 1, at most 3 input channels, an even
   * number of output channels, at least a vector of output positions.
   */
  static boolean applies(Conv2dGeometry g) {
    Window2d k = g.window();
    return g.groups() == 1 && k.kernelH() == 3 && k.kernelW() == 3 && k.strideH() == 1 && k.strideW() == 1
        && g.inChannels() <= 3 && g.outChannels() % 2 == 0 && g.outHeight() * g.outWidth() >= L;
  }

  ShortWeightGradient(Conv2dGeometry g) {
    Window2d k = g.window();
    channels = g.inChannels();
    height = g.height();
    width = g.width();
    padH = k.padH();
    padW = k.padW();
    dilationH = k.dilationH();
    dilationW = k.dilationW();
    outChannels = g.outChannels();
    outWidth = g.outWidth();
    positions = g.outHeight() * outWidth;
    rows = height + 2 * padH;
    sample = channels * 3 * rows * outWidth;
    sums = GROUP * sample;
  }

  /** Floats of the scratch {@link #accumulate} needs: a group's shifted copies, then one call's 18 accumulators. */
  int scratchLength() {
    return sums + 2 * TAPS * L;
  }

  /**
   * dw[o, c·9 + p·3 + q] = the sum over samples b0 … b1 − 1, for every output channel o: dw holds the layer's
   * weights' layout [O, C·3·3] from dwOff; x is [B, C, H, W] and dy [B, O, P]. The samples are taken in groups of
   * {@link #GROUP} from b0, each group's sums added to the one before in order.
   */
  void accumulate(float[] x, float[] dy, int b0, int b1, float[] dw, int dwOff, float[] scratch) {
    int copy = rows * outWidth;
    int rowStep = dilationH * outWidth;
    for (int g0 = b0; g0 < b1; g0 += GROUP) {
      int count = Math.min(GROUP, b1 - g0);
      for (int b = 0; b < count; b++) {
        for (int c = 0; c < channels; c++) {
          for (int q = 0; q < 3; q++) {
            shiftedCopy(x, ((g0 + b) * channels + c) * height * width, q * dilationW - padW, scratch,
                b * sample + (c * 3 + q) * copy);
          }
        }
      }
      for (int o = 0; o < outChannels; o += 2) {
        for (int c = 0; c < channels; c++) {
          int s0 = c * 3 * copy;
          twoChannels(dy, (g0 * outChannels + o) * positions, count, scratch, s0, s0 + copy, s0 + 2 * copy, rowStep,
              dw, dwOff + o * channels * TAPS + c * TAPS, channels * TAPS, g0 == b0);
        }
      }
    }
  }

  /** Copy row R, column j = x's row R − padH, column j + shift (0 outside x), for the rows a vertical tap reaches. */
  private void shiftedCopy(float[] x, int plane, int shift, float[] dst, int dstOff) {
    int j0 = Math.max(0, -shift);
    int j1 = Math.min(outWidth, width - shift);
    for (int r = 0; r < rows; r++) {
      int row = dstOff + r * outWidth;
      int h = r - padH;
      if (h < 0 || h >= height || j0 >= j1) {
        Arrays.fill(dst, row, row + outWidth, 0f);
        continue;
      }
      Arrays.fill(dst, row, row + j0, 0f);
      System.arraycopy(x, plane + h * width + j0 + shift, dst, row + j0, j1 - j0);
      Arrays.fill(dst, row + j1, row + outWidth, 0f);
    }
  }

  /**
   * The nine taps of one input channel for output channels o and o + 1 over count samples: dw[out + t] and dw[out +
   * next + t] for tap t = p·3 + q, whose run starts at s_q + p·rowStep in each sample's shifted copies (s0, s1, s2:
   * the channel's three, in the group's first sample); dy0 is dy's row o of the group's first sample.
   */
  private void twoChannels(float[] dy, int dy0, int count, float[] s, int s0, int s1, int s2, int rowStep, float[] dw,
      int out, int next, boolean first) {
    int r1 = rowStep;
    int r2 = 2 * rowStep;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector b4 = a0;
    FloatVector b5 = a0;
    FloatVector b6 = a0;
    FloatVector b7 = a0;
    FloatVector b8 = a0;
    int bound = F.loopBound(positions);
    // One loop over the group's vectors of positions, sample after sample (a loop nest carried the accumulators as
    // phis of two loops, which C2 boxed): d and e move to the next sample's dy row and copies at each sample's end.
    int d = dy0;
    int e = 0;
    int i = 0;
    for (int done = 0, total = count * bound; done < total; done += L) {
      FloatVector u = FloatVector.fromArray(F, dy, d + i);
      FloatVector v = FloatVector.fromArray(F, dy, d + positions + i);
      FloatVector t = FloatVector.fromArray(F, s, s0 + e + i);
      a0 = u.fma(t, a0);
      b0 = v.fma(t, b0);
      t = FloatVector.fromArray(F, s, s1 + e + i);
      a1 = u.fma(t, a1);
      b1 = v.fma(t, b1);
      t = FloatVector.fromArray(F, s, s2 + e + i);
      a2 = u.fma(t, a2);
      b2 = v.fma(t, b2);
      t = FloatVector.fromArray(F, s, s0 + r1 + e + i);
      a3 = u.fma(t, a3);
      b3 = v.fma(t, b3);
      t = FloatVector.fromArray(F, s, s1 + r1 + e + i);
      a4 = u.fma(t, a4);
      b4 = v.fma(t, b4);
      t = FloatVector.fromArray(F, s, s2 + r1 + e + i);
      a5 = u.fma(t, a5);
      b5 = v.fma(t, b5);
      t = FloatVector.fromArray(F, s, s0 + r2 + e + i);
      a6 = u.fma(t, a6);
      b6 = v.fma(t, b6);
      t = FloatVector.fromArray(F, s, s1 + r2 + e + i);
      a7 = u.fma(t, a7);
      b7 = v.fma(t, b7);
      t = FloatVector.fromArray(F, s, s2 + r2 + e + i);
      a8 = u.fma(t, a8);
      b8 = v.fma(t, b8);
      i += L;
      if (i == bound) {
        i = 0;
        d += outChannels * positions;
        e += sample;
      }
    }
    // The accumulators stored, then their lanes summed in scalar code: no vector passes to a call (with eighteen lane
    // sums inline C2 passes its node budget, leaves some out of line and boxes the vectors they take, in the loop).
    int z = sums;
    a0.intoArray(s, z);
    a1.intoArray(s, z + L);
    a2.intoArray(s, z + 2 * L);
    a3.intoArray(s, z + 3 * L);
    a4.intoArray(s, z + 4 * L);
    a5.intoArray(s, z + 5 * L);
    a6.intoArray(s, z + 6 * L);
    a7.intoArray(s, z + 7 * L);
    a8.intoArray(s, z + 8 * L);
    b0.intoArray(s, z + 9 * L);
    b1.intoArray(s, z + 10 * L);
    b2.intoArray(s, z + 11 * L);
    b3.intoArray(s, z + 12 * L);
    b4.intoArray(s, z + 13 * L);
    b5.intoArray(s, z + 14 * L);
    b6.intoArray(s, z + 15 * L);
    b7.intoArray(s, z + 16 * L);
    b8.intoArray(s, z + 17 * L);
    finish(dy, dy0, count, s, s0, s1, s2, rowStep, bound, dw, out, next, first);
  }

  /**
   * Adds up each of the 18 stored accumulators' lanes (lane i plus lane i + L/2, then i + L/4, …: {@link LaneSums}'
   * order), then each sample's positions past the last whole vector, into dw.
   */
  private void finish(float[] dy, int dy0, int count, float[] s, int s0, int s1, int s2, int rowStep, int bound,
      float[] dw, int out, int next, boolean first) {
    int z = sums;
    for (int a = 0; a < 2 * TAPS; a++) {
      int lanes = z + a * L;
      for (int h = L / 2; h >= 1; h /= 2) {
        for (int i = 0; i < h; i++) {
          s[lanes + i] += s[lanes + i + h];
        }
      }
    }
    for (int t = 0; t < TAPS; t++) {
      int run = (t % 3 == 0 ? s0 : t % 3 == 1 ? s1 : s2) + t / 3 * rowStep;
      float u = s[z + t * L];
      float v = s[z + (TAPS + t) * L];
      for (int b = 0; b < count; b++) {
        int d0 = dy0 + b * outChannels * positions;
        int e = run + b * sample;
        for (int i = bound; i < positions; i++) {
          u += dy[d0 + i] * s[e + i];
          v += dy[d0 + positions + i] * s[e + i];
        }
      }
      dw[out + t] = first ? u : dw[out + t] + u;
      dw[out + next + t] = first ? v : dw[out + next + t] + v;
    }
  }
}
