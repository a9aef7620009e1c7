package io.jgrad.cpu;

import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stride-1 convolution with short columns (one group, C·KH·KW ≤ {@link #MAX_TAPS}: the first layer of an image net,
 * 9 or 27 taps) computed from a zero-padded copy of each sample instead of im2col: with P [C, H + 2·padH, W + 2·padW]
 * the padded sample, output row i of channel o is Σ_t W[o, t]·P[c_t, i + p_t·dilationH, j + q_t·dilationW] over the
 * row's positions j, and each tap reads a contiguous run of P. A row is covered by vectors of L positions, the last
 * ending at the row's end (overlapping the one before where OW is not a multiple of L): the forward pass stores the
 * overlap twice with the same values, the weight gradient leaves its lanes out. im2col wrote K·P floats a sample with
 * two fills and a copy per column row, and the row-update product read and wrote each output row K times; here each
 * output vector is written once.
 * Legend: O = output channels, K = C·KH·KW (taps), P = OH·OW.
 */
final class PaddedConvolution {
  /** The most taps a kernel may have here (its weights are read as broadcasts, K per output vector). */
  static final int MAX_TAPS = 32;

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Floats of the scratch {@link #weightGradient} takes: one block's six accumulators. */
  static final int SCRATCH_FLOATS = 6 * L;

  private final int channels;
  private final int height;
  private final int width;
  private final int padH;
  private final int padW;
  private final int paddedH;
  private final int paddedW;
  private final int outChannels;
  private final int outH;
  private final int outW;
  /** The offset in P of each tap (c, p, q) from an output position's own. */
  private final int[] taps;
  /** 1 on the lanes of a row's last vector that no earlier vector covered, 0 on the overlap. */
  private final float[] fresh = new float[L];

  /** Whether g is one this class computes: one group, stride 1, at most MAX_TAPS taps, rows of at least L. */
  static boolean applies(Conv2dGeometry g) {
    Window2d k = g.window();
    return g.groups() == 1 && k.strideH() == 1 && k.strideW() == 1
        && g.inChannels() * k.kernelH() * k.kernelW() <= MAX_TAPS && g.outWidth() >= L;
  }

  PaddedConvolution(Conv2dGeometry g) {
    Window2d k = g.window();
    channels = g.inChannels();
    height = g.height();
    width = g.width();
    padH = k.padH();
    padW = k.padW();
    paddedH = height + 2 * padH;
    paddedW = width + 2 * padW;
    outChannels = g.outChannels();
    outH = g.outHeight();
    outW = g.outWidth();
    taps = new int[channels * k.kernelH() * k.kernelW()];
    int t = 0;
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < k.kernelH(); p++) {
        for (int q = 0; q < k.kernelW(); q++) {
          taps[t++] = (c * paddedH + p * k.dilationH()) * paddedW + q * k.dilationW();
        }
      }
    }
    int overlap = (L - outW % L) % L;
    Arrays.fill(fresh, overlap, L, 1f);
  }

  /** Floats of the padded sample. */
  int paddedSize() {
    return channels * paddedH * paddedW;
  }

  /** p[0, paddedSize()) = the sample at xOff with a zero border. */
  void pad(float[] x, int xOff, float[] p) {
    Arrays.fill(p, 0, paddedSize(), 0f);
    for (int c = 0; c < channels; c++) {
      for (int r = 0; r < height; r++) {
        System.arraycopy(x, xOff + (c * height + r) * width, p, (c * paddedH + r + padH) * paddedW + padW, width);
      }
    }
  }

  /**
   * y [O, P] at yOff = W [O, K] ⊛ p, plus bias [O] (null: none). Four output channels at a time: a load of p serves
   * four FMAs, and the four chains over the taps run side by side (one channel's chain of K dependent FMAs ran at a
   * fraction of the FMA rate).
   */
  void forward(float[] p, float[] w, float[] bias, float[] y, int yOff) {
    int o = 0;
    for (; o + 4 <= outChannels; o += 4) {
      fourChannels(p, w, bias, y, yOff, o);
    }
    for (; o < outChannels; o++) {
      oneChannel(p, w, bias, y, yOff, o);
    }
  }

  /** Output channels o to o + 3. */
  private void fourChannels(float[] p, float[] w, float[] bias, float[] y, int yOff, int o) {
    int k = taps.length;
    int plane = outH * outW;
    FloatVector s0 = FloatVector.broadcast(F, bias == null ? 0f : bias[o]);
    FloatVector s1 = FloatVector.broadcast(F, bias == null ? 0f : bias[o + 1]);
    FloatVector s2 = FloatVector.broadcast(F, bias == null ? 0f : bias[o + 2]);
    FloatVector s3 = FloatVector.broadcast(F, bias == null ? 0f : bias[o + 3]);
    int w0 = o * k;
    for (int i = 0; i < outH; i++) {
      int out = yOff + (o * outH + i) * outW;
      for (int j = 0; j < outW; j += L) {
        int jj = Math.min(j, outW - L); // the last vector ends at the row's end
        int at = i * paddedW + jj;
        FloatVector a0 = s0;
        FloatVector a1 = s1;
        FloatVector a2 = s2;
        FloatVector a3 = s3;
        for (int t = 0; t < k; t++) {
          FloatVector x = FloatVector.fromArray(F, p, at + taps[t]);
          a0 = x.fma(FloatVector.broadcast(F, w[w0 + t]), a0);
          a1 = x.fma(FloatVector.broadcast(F, w[w0 + k + t]), a1);
          a2 = x.fma(FloatVector.broadcast(F, w[w0 + 2 * k + t]), a2);
          a3 = x.fma(FloatVector.broadcast(F, w[w0 + 3 * k + t]), a3);
        }
        a0.intoArray(y, out + jj);
        a1.intoArray(y, out + plane + jj);
        a2.intoArray(y, out + 2 * plane + jj);
        a3.intoArray(y, out + 3 * plane + jj);
      }
    }
  }

  /** Output channel o alone (those after the last block of four). */
  private void oneChannel(float[] p, float[] w, float[] bias, float[] y, int yOff, int o) {
    int k = taps.length;
    FloatVector start = FloatVector.broadcast(F, bias == null ? 0f : bias[o]);
    int wRow = o * k;
    for (int i = 0; i < outH; i++) {
      int out = yOff + (o * outH + i) * outW;
      for (int j = 0; j < outW; j += L) {
        int jj = Math.min(j, outW - L);
        int at = i * paddedW + jj;
        FloatVector acc = start;
        for (int t = 0; t < k; t++) {
          acc = FloatVector.fromArray(F, p, at + taps[t]).fma(FloatVector.broadcast(F, w[wRow + t]), acc);
        }
        acc.intoArray(y, out + jj);
      }
    }
  }

  /**
   * dW [O, K] at dwOff (+)= dy [O, P] at dyOff ⋆ p; {@code first} writes instead of adding; {@code sums} is scratch of
   * {@link #SCRATCH_FLOATS}. Blocks of two output channels by three taps (a 3×3 kernel has a multiple of 3), each
   * cell with its own accumulator: a load of dy serves three FMAs, a load of p two, and six independent chains hide
   * the FMA's latency (one chain per cell, as before, ran at a fraction of the FMA rate: CIFAR-10's first layer at
   * 11 GFLOP/s). Channels and taps after the last whole block run a cell at a time. Every row ends with its last
   * vector, its overlap with the one before masked out (none where OW is a multiple of L), outside the loop: with the
   * tail behind a branch in the loop, C2's code boxed the vectors where OW is a multiple of L. Four channels by three
   * taps ran about 15% faster but sometimes (1 JVM in 20) past C2's node budget, which boxed them too. Each cell adds
   * the same products in the same order as one chain would, so the results are the cell-at-a-time loop's, bit for bit.
   */
  void weightGradient(float[] dy, int dyOff, float[] p, float[] dw, int dwOff, boolean first, float[] sums) {
    int k = taps.length;
    int t = 0;
    for (; t + 3 <= k; t += 3) {
      int o = 0;
      for (; o + 2 <= outChannels; o += 2) {
        twoChannelsThreeTaps(dy, dyOff, p, dw, dwOff, first, o, t, sums);
      }
      for (; o < outChannels; o++) {
        for (int u = t; u < t + 3; u++) {
          oneCell(dy, dyOff, p, dw, dwOff, first, o, u);
        }
      }
    }
    for (; t < k; t++) {
      for (int o = 0; o < outChannels; o++) {
        oneCell(dy, dyOff, p, dw, dwOff, first, o, t);
      }
    }
  }

  /** Cells (o..o+1, t..t+2). */
  private void twoChannelsThreeTaps(float[] dy, int dyOff, float[] p, float[] dw, int dwOff, boolean first, int o,
      int t, float[] sums) {
    FloatVector keep = FloatVector.fromArray(F, fresh, 0);
    int last = outW - L; // the start of each row's last vector
    int plane = outH * outW;
    int t0 = taps[t];
    int t1 = taps[t + 1];
    int t2 = taps[t + 2];
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    for (int i = 0; i < outH; i++) {
      int row = dyOff + (o * outH + i) * outW;
      int at = i * paddedW;
      for (int j = 0; j < last; j += L) {
        FloatVector g = FloatVector.fromArray(F, dy, row + j);
        FloatVector h = FloatVector.fromArray(F, dy, row + plane + j);
        FloatVector x0 = FloatVector.fromArray(F, p, at + t0 + j);
        FloatVector x1 = FloatVector.fromArray(F, p, at + t1 + j);
        FloatVector x2 = FloatVector.fromArray(F, p, at + t2 + j);
        a0 = x0.fma(g, a0);
        a1 = x1.fma(g, a1);
        a2 = x2.fma(g, a2);
        b0 = x0.fma(h, b0);
        b1 = x1.fma(h, b1);
        b2 = x2.fma(h, b2);
      }
      FloatVector g = FloatVector.fromArray(F, dy, row + last).mul(keep);
      FloatVector h = FloatVector.fromArray(F, dy, row + plane + last).mul(keep);
      FloatVector x0 = FloatVector.fromArray(F, p, at + t0 + last);
      FloatVector x1 = FloatVector.fromArray(F, p, at + t1 + last);
      FloatVector x2 = FloatVector.fromArray(F, p, at + t2 + last);
      a0 = x0.fma(g, a0);
      a1 = x1.fma(g, a1);
      a2 = x2.fma(g, a2);
      b0 = x0.fma(h, b0);
      b1 = x1.fma(h, b1);
      b2 = x2.fma(h, b2);
    }
    // The accumulators leave through the scratch: in the four-channel form of this block, its twelve lane sums
    // inlined here exceeded C2's node budget, and a sum not inlined takes its vector as an object, which boxed every
    // accumulator of the loop above (9.8 MB a CIFAR-10 step; docs/benchmarks.md).
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    b0.intoArray(sums, 3 * L);
    b1.intoArray(sums, 4 * L);
    b2.intoArray(sums, 5 * L);
    int k = taps.length;
    int cell = dwOff + o * k + t;
    for (int c = 0; c < 6; c++) {
      store(dw, cell + c / 3 * k + c % 3, LaneSums.sum(FloatVector.fromArray(F, sums, c * L)), first);
    }
  }

  /** Cell (o, t) alone: a channel or taps after the last whole block. */
  private void oneCell(float[] dy, int dyOff, float[] p, float[] dw, int dwOff, boolean first, int o, int t) {
    FloatVector keep = FloatVector.fromArray(F, fresh, 0);
    int last = outW - L;
    int tap = taps[t];
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < outH; i++) {
      int row = dyOff + (o * outH + i) * outW;
      int at = i * paddedW + tap;
      for (int j = 0; j < last; j += L) {
        acc = FloatVector.fromArray(F, dy, row + j).fma(FloatVector.fromArray(F, p, at + j), acc);
      }
      acc = FloatVector.fromArray(F, dy, row + last).mul(keep).fma(FloatVector.fromArray(F, p, at + last), acc);
    }
    store(dw, dwOff + o * taps.length + t, LaneSums.sum(acc), first);
  }

  private static void store(float[] dw, int cell, float sum, boolean first) {
    dw[cell] = first ? sum : dw[cell] + sum;
  }
}
