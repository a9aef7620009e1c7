package io.jgrad.cpu;

import io.jgrad.Window2d;
import io.jgrad.spi.Conv2dGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution of one group whose input channels are whole vectors, a run of samples at a
 * time, as the GEMM dW' [O, KH·KW·C] += dy [O, P] · colsᵀ [P, KH·KW·C] (dW' by tap then channel) with neither operand
 * packed: colsᵀ is read from a zero-padded channels-last copy of the sample, where row n of colsᵀ at columns (tap,
 * c..c+L−1) is the vector of the tap's channels at position n's input pixel, and dy's entries are broadcast from
 * where they lie. The micro-tile is the GEMM's, 8 output channels × 2 vectors of columns, summed over every output
 * position of the run. Packing colsᵀ wrote P·K floats a sample (as im2col does) for the GEMM to read once per 8 output channels;
 * here the copy is C·(H + 2·padH)·(W + 2·padW) floats. Any stride, padding and dilation.
 * Legend: C = input channels, O = output channels, K = KH·KW·C, P = OH·OW.
 */
final class DirectWeightGradient {
  /** Output channels of a tile. */
  private static final int ROWS = 8;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /**
   * The most output channels: with more, the GEMM's packed colsᵀ, read from L1 by each 8-row panel of dW, ran faster
   * than the copy read in place (CIFAR-10's 64→128 on 8×8: 132–144 against 106–118 GFLOP/s); with 16 and 32 this ran
   * faster (medians: ResNet's 16→16 on 28×28 93 → 121, 16→32 of stride 2 87 → 102; docs/benchmarks.md).
   */
  static final int MAX_OUT_CHANNELS = 32;
  /** The floats a run of samples' copies may take (128 KB): with more, the 28×28 layers ran slower. */
  private static final int RUN_FLOATS = 1 << 15;

  private final Conv2dGeometry g;
  private final int channels;
  private final int paddedW;
  /** Floats of the channels-last padded copy, [H + 2·padH, W + 2·padW, C]. */
  private final int copyLength;
  /** The offset in the copy of each vector of columns (a tap and L channels) from an output position's pixel. */
  private final int[] vectors;

  /**
   * Whether g is one this class computes: long columns ({@link ConvKernels#longColumns}) of whole vectors of
   * channels, and at most {@link #MAX_OUT_CHANNELS} output channels.
   */
  static boolean applies(Conv2dGeometry g) {
    return ConvKernels.longColumns(g) && g.inChannels() % L == 0 && g.outChannels() <= MAX_OUT_CHANNELS;
  }

  DirectWeightGradient(Conv2dGeometry g) {
    Window2d k = g.window();
    this.g = g;
    channels = g.inChannels();
    paddedW = g.width() + 2 * k.padW();
    copyLength = (g.height() + 2 * k.padH()) * paddedW * channels;
    vectors = new int[k.kernelH() * k.kernelW() * channels / L];
    for (int v = 0; v < vectors.length; v++) {
      int tap = v * L / channels;
      int down = tap / k.kernelW() * k.dilationH();
      int right = tap % k.kernelW() * k.dilationW();
      vectors[v] = (down * paddedW + right) * channels + v * L % channels;
    }
  }

  /**
   * Samples a run takes: as many as keep their copies within about {@link #RUN_FLOATS} (a 7×7 plane of 64 channels
   * is 49 positions, too few to sum over in one tile: its setup and stores cost about as much).
   */
  int samplesPerRun(int samples) {
    return Math.max(1, Math.min(samples, RUN_FLOATS / copyLength));
  }

  /** Scratch floats a run of count samples needs: their copies, a sample transposed before it is padded, a tile. */
  int scratchLength(int count) {
    return tileAt(count) + ROWS * 2 * L;
  }

  /**
   * dw [O, KH·KW·C] at dwOff = (first ? 0 : dw) + Σ_b dy_b · colsᵀ(x_b), by tap then channel, over samples b0 to
   * b0 + count − 1 (x's and dy's samples inPlane and outPlane apart).
   */
  void accumulate(float[] x, float[] dy, int b0, int count, float[] dw, int dwOff, boolean first,
      float[] scratch) {
    Window2d k = g.window();
    int plane = g.height() * g.width();
    int staging = count * copyLength;
    Arrays.fill(scratch, 0, staging, 0f);
    for (int i = 0; i < count; i++) {
      VectorGemm.transpose(x, (b0 + i) * channels * plane, channels, plane, scratch, staging);
      for (int h = 0; h < g.height(); h++) {
        System.arraycopy(scratch, staging + h * g.width() * channels, scratch,
            i * copyLength + ((h + k.padH()) * paddedW + k.padW()) * channels, g.width() * channels);
      }
    }
    int columns = vectors.length * L;
    for (int o = 0; o < g.outChannels(); o += ROWS) {
      for (int v = 0; v < vectors.length; v += 2) {
        tile(dy, b0 * g.outChannels() * g.outHeight() * g.outWidth(), count, o, scratch, v, dw,
            dwOff + o * columns + v * L, columns, first);
      }
    }
  }

  /**
   * Output channels o..o+7 (those below O) at the columns of vectors v and v + 1 (v alone where it is the last),
   * summed over every output position of count samples from dy's at dyOff: for each, eight broadcast entries of dy
   * and two vectors of the copy.
   */
  private void tile(float[] dy, int dyOff, int count, int o, float[] s, int v, float[] dw, int at, int columns,
      boolean first) {
    Window2d k = g.window();
    int rows = Math.min(ROWS, g.outChannels() - o);
    int p = g.outHeight() * g.outWidth();
    // Rows past O read the last one again and are not stored; a missing second vector reads the first again.
    int a0 = o * p;
    int a1 = (o + Math.min(1, rows - 1)) * p;
    int a2 = (o + Math.min(2, rows - 1)) * p;
    int a3 = (o + Math.min(3, rows - 1)) * p;
    int a4 = (o + Math.min(4, rows - 1)) * p;
    int a5 = (o + Math.min(5, rows - 1)) * p;
    int a6 = (o + Math.min(6, rows - 1)) * p;
    int a7 = (o + Math.min(7, rows - 1)) * p;
    boolean pair = v + 1 < vectors.length;
    int b0 = vectors[v];
    int b1 = vectors[pair ? v + 1 : v];
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    FloatVector c60 = c00;
    FloatVector c61 = c00;
    FloatVector c70 = c00;
    FloatVector c71 = c00;
    // One loop over the samples' positions, the pixel and dy's entry stepped along: accumulators carried through
    // nested loops were left boxed by C2 (JDK 17), a tenth of the speed.
    int ow = g.outWidth();
    int step = k.strideW() * channels;
    int nextRow = k.strideH() * paddedW * channels - ow * step;
    int nextSample = g.outChannels() * p - p;
    for (int n = 0, e = dyOff, j = 0, i = 0, pixel = 0; n < count * p; n++, e++) {
        FloatVector x0 = FloatVector.fromArray(F, s, pixel + b0);
        FloatVector x1 = FloatVector.fromArray(F, s, pixel + b1);
        FloatVector d = FloatVector.broadcast(F, dy[e + a0]);
        c00 = d.fma(x0, c00);
        c01 = d.fma(x1, c01);
        d = FloatVector.broadcast(F, dy[e + a1]);
        c10 = d.fma(x0, c10);
        c11 = d.fma(x1, c11);
        d = FloatVector.broadcast(F, dy[e + a2]);
        c20 = d.fma(x0, c20);
        c21 = d.fma(x1, c21);
        d = FloatVector.broadcast(F, dy[e + a3]);
        c30 = d.fma(x0, c30);
        c31 = d.fma(x1, c31);
        d = FloatVector.broadcast(F, dy[e + a4]);
        c40 = d.fma(x0, c40);
        c41 = d.fma(x1, c41);
        d = FloatVector.broadcast(F, dy[e + a5]);
        c50 = d.fma(x0, c50);
        c51 = d.fma(x1, c51);
        d = FloatVector.broadcast(F, dy[e + a6]);
        c60 = d.fma(x0, c60);
        c61 = d.fma(x1, c61);
        d = FloatVector.broadcast(F, dy[e + a7]);
        c70 = d.fma(x0, c70);
        c71 = d.fma(x1, c71);
        pixel += step;
        if (++j == ow) {
          j = 0;
          pixel += nextRow;
          if (++i == g.outHeight()) { // the next sample's copy and dy
            i = 0;
            pixel = n / p * copyLength + copyLength;
            e += nextSample;
          }
        }
    }
    int t = tileAt(count);
    c00.intoArray(s, t);
    c01.intoArray(s, t + L);
    c10.intoArray(s, t + 2 * L);
    c11.intoArray(s, t + 3 * L);
    c20.intoArray(s, t + 4 * L);
    c21.intoArray(s, t + 5 * L);
    c30.intoArray(s, t + 6 * L);
    c31.intoArray(s, t + 7 * L);
    c40.intoArray(s, t + 8 * L);
    c41.intoArray(s, t + 9 * L);
    c50.intoArray(s, t + 10 * L);
    c51.intoArray(s, t + 11 * L);
    c60.intoArray(s, t + 12 * L);
    c61.intoArray(s, t + 13 * L);
    c70.intoArray(s, t + 14 * L);
    c71.intoArray(s, t + 15 * L);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < (pair ? 2 : 1); c++) {
        int to = at + r * columns + c * L;
        FloatVector sum = FloatVector.fromArray(F, s, t + (2 * r + c) * L);
        (first ? sum : sum.add(FloatVector.fromArray(F, dw, to))).intoArray(dw, to);
      }
    }
  }

  /** Where in the scratch a tile's sums wait to be added into dw: after the copies and a transposed sample. */
  private int tileAt(int count) {
    return count * copyLength + channels * g.height() * g.width();
  }
}
