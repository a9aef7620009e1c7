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
 * c..c+L−1) is the vector of the tap's channels at position n's input pixel, and dy's entries are broadcast from a
 * copy of eight of its rows interleaved. The micro-tile is 8 output channels × 3 vectors of columns, summed over
 * every output position of the run. Packing colsᵀ wrote P·K floats a sample (as im2col does) for the GEMM to read
 * once per 8 output channels; here the copy is C·(H + 2·padH)·(W + 2·padW) floats. Any stride, padding and dilation.
 * Legend: C = input channels, O = output channels, K = KH·KW·C, P = OH·OW.
 */
final class DirectWeightGradient {
  /** Output channels of a tile. */
  private static final int ROWS = 8;
  /** Vectors of columns of a tile. */
  private static final int WIDTH = 3;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /**
   * The most output channels: with more, the GEMM's packed colsᵀ, read from L1 by each 8-row panel of dW, ran faster
   * than the copy read in place (CIFAR-10's 64→128 on 8×8: 132–144 against 106–118 GFLOP/s, with tiles of two
   * vectors); with 16 and 32 this ran faster (medians: ResNet's 16→16 on 28×28 93 → 121, 16→32 of stride 2 87 → 102),
   * and with 64 where vectors are 512 bits, since the tiles hold three (ResNet's 64→64 on 7×7 178–193 → 215–244
   * GFLOP/s, 32→64 of stride 2 157–161 → 182–199); with 256-bit vectors (16 registers) 64 outputs ran slower than
   * through the GEMM (70–97 against 112–124; docs/benchmarks.md).
   */
  static final int MAX_OUT_CHANNELS = L >= 16 ? 64 : 32;
  /** The floats a run of samples' copies may take (128 KB): with more, the 28×28 layers ran slower. */
  private static final int RUN_FLOATS = 1 << 15;
  /**
   * Where the copies start in a scratch from {@link AlignedFloats#allocate}: on a cache line, so that every vector the
   * tile loads lies on one (a copy's length and each vector's offset are whole vectors). Off a line each load split
   * two, and the layers ran 7–15% slower (docs/benchmarks.md, "The weight gradient's copies on a cache line").
   */
  private static final int START = AlignedFloats.OFFSET;

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

  /**
   * Scratch floats a run of count samples needs: their copies from {@link #START}, a sample transposed before it is
   * padded, a tile, and eight rows of dy interleaved.
   */
  int scratchLength(int count) {
    return interleavedAt(count) + count * g.outHeight() * g.outWidth() * ROWS;
  }

  /**
   * dw [O, KH·KW·C] at dwOff = (first ? 0 : dw) + Σ_b dy_b · colsᵀ(x_b), by tap then channel, over samples b0 to
   * b0 + count − 1 (x's and dy's samples inPlane and outPlane apart).
   */
  void accumulate(float[] x, float[] dy, int b0, int count, float[] dw, int dwOff, boolean first,
      float[] scratch) {
    Window2d k = g.window();
    int plane = g.height() * g.width();
    int staging = START + count * copyLength;
    Arrays.fill(scratch, START, staging, 0f);
    for (int i = 0; i < count; i++) {
      VectorGemm.transpose(x, (b0 + i) * channels * plane, channels, plane, scratch, staging);
      for (int h = 0; h < g.height(); h++) {
        System.arraycopy(scratch, staging + h * g.width() * channels, scratch,
            START + i * copyLength + ((h + k.padH()) * paddedW + k.padW()) * channels, g.width() * channels);
      }
    }
    int columns = vectors.length * L;
    for (int o = 0; o < g.outChannels(); o += ROWS) {
      interleave(dy, b0, count, o, scratch, interleavedAt(count));
      for (int v = 0; v < vectors.length; v += WIDTH) {
        tile(scratch, interleavedAt(count), count, o, v, dw, dwOff + o * columns + v * L, columns, first);
      }
    }
  }

  /**
   * dy's rows o..o+7 of samples b0 to b0 + count − 1 into s from at on, position by position: the eight entries a tile
   * broadcasts at an output position side by side, where the tile's loop index alone finds them. Read from eight
   * rows a plane apart, they were eight indices more than the registers hold, each with its own range check (one core,
   * ResNet's 32→32: 96–98 against 117 GFLOP/s, 64→64 99–101 against 120–124; docs/benchmarks.md, "The weight
   * gradient's copies on a cache line"). Rows past O repeat the last one (the tile does not store them).
   * {@link VectorGemm#interleave8} is the GEMM's A pack for 512-bit vectors; with others, and for a partial group or
   * the positions past the last whole vector, element by element.
   */
  private void interleave(float[] dy, int b0, int count, int o, float[] s, int at) {
    int rows = Math.min(ROWS, g.outChannels() - o);
    int p = g.outHeight() * g.outWidth();
    for (int i = 0; i < count; i++) {
      int from = ((b0 + i) * g.outChannels() + o) * p;
      int to = at + i * p * ROWS;
      int n0 = 0;
      if (L == 16 && rows == ROWS) { // interleave8's vectors
        for (; n0 + L <= p; n0 += L) {
          VectorGemm.interleave8(dy, from + n0, p, s, to + n0 * ROWS);
        }
      }
      for (int r = 0; r < ROWS; r++) {
        int row = from + Math.min(r, rows - 1) * p;
        for (int n = n0; n < p; n++) {
          s[to + n * ROWS + r] = dy[row + n];
        }
      }
    }
  }

  /**
   * Output channels o..o+7 (those below O) at the columns of vectors v, v + 1 and v + 2 (where those are past the
   * last, it is read again and not stored), summed over every output position of count samples, dy's entries
   * interleaved in s from dyAt ({@link #interleave}): for each position, eight broadcast entries of dy and three
   * vectors of the copy, 24 FMAs. With two vectors (16 accumulators, the GEMM's tile) the same sums ran 9–20% slower:
   * AVX-512's 32 registers hold 24 and the loop's loads and bookkeeping are shared by more FMAs (docs/benchmarks.md).
   */
  private void tile(float[] s, int dyAt, int count, int o, int v, float[] dw, int at, int columns, boolean first) {
    Window2d k = g.window();
    int rows = Math.min(ROWS, g.outChannels() - o);
    int p = g.outHeight() * g.outWidth();
    int width = Math.min(WIDTH, vectors.length - v);
    int b0 = vectors[v];
    int b1 = vectors[v + Math.min(1, width - 1)];
    int b2 = vectors[v + width - 1];
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c32 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c42 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    FloatVector c52 = c00;
    FloatVector c60 = c00;
    FloatVector c61 = c00;
    FloatVector c62 = c00;
    FloatVector c70 = c00;
    FloatVector c71 = c00;
    FloatVector c72 = c00;
    // One loop over the samples' positions, the pixel stepped along: accumulators carried through nested loops were
    // left boxed by C2 (JDK 17), a tenth of the speed.
    int ow = g.outWidth();
    int step = k.strideW() * channels;
    int nextRow = k.strideH() * paddedW * channels - ow * step;
    for (int n = 0, j = 0, i = 0, pixel = START; n < count * p; n++) {
        FloatVector x0 = FloatVector.fromArray(F, s, pixel + b0);
        FloatVector x1 = FloatVector.fromArray(F, s, pixel + b1);
        FloatVector x2 = FloatVector.fromArray(F, s, pixel + b2);
        FloatVector d = FloatVector.broadcast(F, s[dyAt + ROWS * n]);
        c00 = d.fma(x0, c00);
        c01 = d.fma(x1, c01);
        c02 = d.fma(x2, c02);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 1]);
        c10 = d.fma(x0, c10);
        c11 = d.fma(x1, c11);
        c12 = d.fma(x2, c12);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 2]);
        c20 = d.fma(x0, c20);
        c21 = d.fma(x1, c21);
        c22 = d.fma(x2, c22);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 3]);
        c30 = d.fma(x0, c30);
        c31 = d.fma(x1, c31);
        c32 = d.fma(x2, c32);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 4]);
        c40 = d.fma(x0, c40);
        c41 = d.fma(x1, c41);
        c42 = d.fma(x2, c42);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 5]);
        c50 = d.fma(x0, c50);
        c51 = d.fma(x1, c51);
        c52 = d.fma(x2, c52);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 6]);
        c60 = d.fma(x0, c60);
        c61 = d.fma(x1, c61);
        c62 = d.fma(x2, c62);
        d = FloatVector.broadcast(F, s[dyAt + ROWS * n + 7]);
        c70 = d.fma(x0, c70);
        c71 = d.fma(x1, c71);
        c72 = d.fma(x2, c72);
        pixel += step;
        if (++j == ow) {
          j = 0;
          pixel += nextRow;
          if (++i == g.outHeight()) { // the next sample's copy
            i = 0;
            pixel = START + n / p * copyLength + copyLength;
          }
        }
    }
    int t = tileAt(count);
    c00.intoArray(s, t);
    c01.intoArray(s, t + L);
    c02.intoArray(s, t + 2 * L);
    c10.intoArray(s, t + 3 * L);
    c11.intoArray(s, t + 4 * L);
    c12.intoArray(s, t + 5 * L);
    c20.intoArray(s, t + 6 * L);
    c21.intoArray(s, t + 7 * L);
    c22.intoArray(s, t + 8 * L);
    c30.intoArray(s, t + 9 * L);
    c31.intoArray(s, t + 10 * L);
    c32.intoArray(s, t + 11 * L);
    c40.intoArray(s, t + 12 * L);
    c41.intoArray(s, t + 13 * L);
    c42.intoArray(s, t + 14 * L);
    c50.intoArray(s, t + 15 * L);
    c51.intoArray(s, t + 16 * L);
    c52.intoArray(s, t + 17 * L);
    c60.intoArray(s, t + 18 * L);
    c61.intoArray(s, t + 19 * L);
    c62.intoArray(s, t + 20 * L);
    c70.intoArray(s, t + 21 * L);
    c71.intoArray(s, t + 22 * L);
    c72.intoArray(s, t + 23 * L);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        int to = at + r * columns + c * L;
        FloatVector sum = FloatVector.fromArray(F, s, t + (WIDTH * r + c) * L);
        (first ? sum : sum.add(FloatVector.fromArray(F, dw, to))).intoArray(dw, to);
      }
    }
  }

  /** Where in the scratch a tile's sums wait to be added into dw: after the copies and a transposed sample. */
  private int tileAt(int count) {
    return START + count * copyLength + channels * g.height() * g.width();
  }

  /** Where in the scratch dy's rows lie interleaved: after a tile. */
  private int interleavedAt(int count) {
    return tileAt(count) + ROWS * WIDTH * L;
  }
}
