package io.jgrad.cpu;

import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a stride-1 convolution with short columns (one group, C·KH·KW ≤ {@link #MAX_TAPS}: the first
 * layer of an image net, 9 or 27 taps) computed from a zero-padded copy of each sample instead of im2col: with P [C,
 * H + 2·padH, W + 2·padW] the padded sample, output row i of channel o is Σ_t W[o, t]·P[c_t, i + p_t·dilationH, j +
 * q_t·dilationW] over the row's positions j, and each tap reads a contiguous run of P. A row is covered by vectors of
 * L positions, the last ending at the row's end (overlapping the one before where OW is not a multiple of L), the
 * overlap stored twice with the same values. im2col wrote K·P floats a sample with two fills and a copy per column
 * row, and the row-update product read and wrote each output row K times; here each output vector is written once.
 * (Its weight gradient, a dot product per weight along rows of a few vectors, ran slower than the GEMM; a 3×3
 * window's is {@link ShortWeightGradient}'s, which makes each tap one run over the positions.)
 * Legend: O = output channels, K = C·KH·KW (taps), P = OH·OW.
 */
final class PaddedConvolution {
  /** The most taps a kernel may have here (its weights are read as broadcasts, K per output vector). */
  static final int MAX_TAPS = 32;

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

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
}
