package io.jgrad.cpu;

import io.jgrad.Window2d;
import io.jgrad.spi.Conv2dGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution of one group computed straight from a zero-padded flat copy of the sample, with no column matrix: the
 * GEMM's micro-kernel (8 output channels × 2 vectors of positions) whose B operand, row k = tap (c, p, q), is read from
 * the copy itself. The copy holds each channel as strideH·strideW phases, phase (a, b) the padded sample's rows ≡ a
 * and columns ≡ b (mod the strides): one phase for stride 1, four for stride 2 (padded rows and columns even or odd).
 * A phase's rows lie Wq apart (for stride 1, Wq = W + padW: the padW zero columns after a row double as the next
 * row's left padding); output position (i, j) is n = i·Wq + j, and tap (c, p, q), its window reaching padded
 * (i·sh + r, j·sw + s) with r = p·dilationH, s = q·dilationW, reads phase (r mod sh, s mod sw) of channel c at
 * n + (r div sh)·Wq + s div sw: for every tap a vector of consecutive positions is a vector of consecutive floats.
 * The positions j ≥ OW of each row are computed and dropped (28×28 rows of ResNet's first stage: 811 positions for
 * 784, 832 in whole tiles). im2col wrote K·P floats a sample and the GEMM then packed them again; here the sample is
 * copied once, a K-th of that. Where a plane would leave much of its last tile empty, several samples are copied
 * together with their rows interleaved (row i of each sample in turn, Wq apart, so a phase's rows lie Wq·samples
 * apart and sample s's position (i, j) is i·Wq·samples + s·Wq + j): a tile then runs across samples.
 *
 * <p>The input gradient of a stride-1 convolution is this convolution of dy with the weights transposed and flipped
 * and padding dilation·(kernel − 1) − pad ({@link #inputGradient}); only where that is not negative.
 * Legend: C = input channels, O = output channels, K = C·KH·KW, P = OH·OW.
 */
final class DirectConvolution {
  /** Output channels of a tile: a broadcast weight serves a tile's vectors of positions. */
  private static final int ROWS = 8;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Positions of a tile: two vectors, as the GEMM's micro-tile (16 accumulators of the 32 AVX-512 registers). */
  private static final int TILE = 2 * L;
  /** Lane i ← lane 2i (mod L), and 2i + 1: a vector's even or odd floats in its low half, the next's in the high. */
  private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(F, i -> 2 * i % L);
  private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(F, i -> (2 * i + 1) % L);
  private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(F, (-1L << L / 2) & ((1L << L) - 1));
  /** The most samples copied together: ResNet's 14×14 rows of 15 positions fill tiles best in runs of 8. */
  private static final int MAX_SAMPLES = 8;

  private final int channels;
  private final int height;
  private final int width;
  private final int outChannels;
  private final int outH;
  private final int outW;
  private final int kernelH;
  private final int kernelW;
  private final int padH;
  private final int padW;
  private final int strideH;
  private final int strideW;
  /**
   * Samples copied together, their rows interleaved (stride 1 with shared padding only; else 1): row i of each sample
   * in turn, Wq apart, so a tile runs across samples and each computes only its padding columns, not its plane
   * rounded up to whole tiles (7×7 planes in runs of 4: 56 positions a sample against 64 alone).
   */
  private final int samples;
  /** Wq: the distance between one sample's row and the next sample's (or, alone, its next row's) in the copy. */
  private final int sampleStride;
  /** The distance between rows of a phase in the copy: Wq·samples. */
  private final int rowStride;
  /** The floats of one phase of one channel. */
  private final int phaseSize;
  /** The positions computed, rounded up to whole tiles: the distance between output channels in {@link #compute}. */
  private final int span;
  /** Floats of the padded copy, with room for the reads of the last tile's dropped positions. */
  private final int copyLength;
  /** The offset in the copy of each tap (c, p, q) from an output position's own. */
  private final int[] taps;
  /** Whether output channel o's weight at tap (c, p, q) is W[c, o, KH−1−p, KW−1−q] (the input gradient's). */
  private final boolean flipped;

  /**
   * The forward pass of g as a direct convolution, or null: where g has groups, at most {@link
   * PaddedConvolution#MAX_TAPS} taps or a 1×1 window of stride 1 without padding (whose sample is its own column
   * matrix for the GEMM), or where this would compute more than a third more positions than the plane has.
   */
  static DirectConvolution forward(Conv2dGeometry g) {
    return ConvKernels.longColumns(g) ? worthwhile(new DirectConvolution(g, false)) : null;
  }

  /**
   * dx as this convolution of dy (O channels in, C out, the same window with the complementary padding), or null:
   * where g's columns are not long ({@link ConvKernels#longColumns}), the stride is not 1, the padding reaches past
   * the window, or dx's plane is not worth it (see {@link #worthwhile}).
   */
  static DirectConvolution inputGradient(Conv2dGeometry g) {
    Window2d k = g.window();
    int padH = k.dilationH() * (k.kernelH() - 1) - k.padH();
    int padW = k.dilationW() * (k.kernelW() - 1) - k.padW();
    if (!ConvKernels.longColumns(g) || k.strideH() != 1 || k.strideW() != 1 || padH < 0 || padW < 0) {
      return null;
    }
    Window2d adjoint = new Window2d(k.kernelH(), k.kernelW(), 1, 1, padH, padW, k.dilationH(), k.dilationW());
    return worthwhile(new DirectConvolution(new Conv2dGeometry(g.batch(), g.outChannels(), g.outHeight(),
        g.outWidth(), g.inChannels(), 1, adjoint), true));
  }

  /**
   * d, or null where its output plane is a whole number of the GEMM's column tiles (which then computes nothing
   * twice and reads aligned panels: CIFAR-10's 32→64 on 16×16 and 64→128 on 8×8 ran at 132–154 and 119–124 GFLOP/s
   * here against the GEMM's 151–158), or where d computes more than a third more positions than the plane has.
   * Elsewhere the GEMM's last tile is partly empty too, and this ran faster (medians): ResNet's 16→16 on 28×28 104 →
   * 132, 64→64 on 7×7 (64 positions for 49) 100 → 135 (docs/benchmarks.md, "CPU: the ResNet").
   */
  private static DirectConvolution worthwhile(DirectConvolution d) {
    int plane = d.outH * d.outW;
    return plane % VectorGemm.panelWidth() != 0 && 3 * d.span <= 4 * plane * d.samples ? d : null;
  }

  private DirectConvolution(Conv2dGeometry g, boolean flipped) {
    Window2d k = g.window();
    this.flipped = flipped;
    channels = g.inChannels();
    height = g.height();
    width = g.width();
    outChannels = g.outChannels();
    outH = g.outHeight();
    outW = g.outWidth();
    kernelH = k.kernelH();
    kernelW = k.kernelW();
    padH = k.padH();
    padW = k.padW();
    strideH = k.strideH();
    strideW = k.strideW();
    // Rows share their padding only where no output position lies in it: with a wider padding, some would.
    boolean shared = strideW == 1 && padW <= k.dilationW() * (kernelW - 1);
    sampleStride = shared ? width + padW : ceilDiv(width + 2 * padW, strideW);
    samples = shared && strideH == 1 ? samplesPerRun(g.batch(), outH, outW, sampleStride) : 1;
    rowStride = samples * sampleStride;
    phaseSize = ceilDiv(height + 2 * padH, strideH) * rowStride;
    span = span(outH, outW, sampleStride, samples);
    taps = new int[channels * kernelH * kernelW];
    int t = 0;
    int farthest = 0;
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < kernelH; p++) {
        for (int q = 0; q < kernelW; q++) {
          int down = p * k.dilationH();
          int right = q * k.dilationW();
          taps[t] = phase(c, down, right) * phaseSize + down / strideH * rowStride + right / strideW;
          farthest = Math.max(farthest, taps[t++]);
        }
      }
    }
    copyLength = Math.max(channels * strideH * strideW * phaseSize, span + farthest);
  }

  /** The positions a run of n samples computes, rows interleaved Wq apart: whole tiles. */
  private static int span(int outH, int outW, int wq, int n) {
    return ceilDiv((outH - 1) * n * wq + (n - 1) * wq + outW, TILE) * TILE;
  }

  /**
   * Up to {@link #MAX_SAMPLES} (and the batch): the fewest positions computed a sample, the fewest samples on a tie;
   * one where that spares less than a twentieth of them. ResNet's 7×7 in runs of 4 (56 positions a sample for 64)
   * ran 1.17–1.18× alone, its 14×14 in runs of 8 (212 for 224) 1.01–1.05×, its 28×28 in runs of 2 (816 for 832)
   * 0.97× (medians, docs/benchmarks.md, "CPU: the ResNet").
   */
  private static int samplesPerRun(int batch, int outH, int outW, int wq) {
    int best = 1;
    for (int n = 2; n <= Math.min(batch, MAX_SAMPLES); n++) {
      if ((long) span(outH, outW, wq, n) * best < (long) span(outH, outW, wq, best) * n) {
        best = n;
      }
    }
    long alone = span(outH, outW, wq, 1);
    return 20L * span(outH, outW, wq, best) <= 19L * alone * best ? best : 1;
  }

  /** The phase of channel c holding padded row r and column s (mod the strides), counted over all channels. */
  private int phase(int c, int r, int s) {
    return (c * strideH + r % strideH) * strideW + s % strideW;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Scratch floats one sample needs: its padded copy, the output positions of every channel, and a plane split into
   * its even and odd columns where {@link #splitsPlanes}.
   */
  int scratchLength() {
    return copyLength + roundedChannels() * span + (splitsPlanes() ? height * width : 0);
  }

  /** Floats of {@link #pack}'s panels. */
  private int packedLength() {
    return roundedChannels() * taps.length;
  }

  /**
   * The weights [O, C, KH, KW] (for the input gradient, the forward pass's [C, O, KH, KW]) as panels of 8 output
   * channels, tap by tap, the channels past O zero: into (grown if short), returned.
   */
  float[] pack(float[] w, float[] into) {
    float[] panels = into.length >= packedLength() ? into : new float[packedLength()];
    int k = taps.length;
    int window = kernelH * kernelW;
    for (int o = 0; o < roundedChannels(); o++) {
      int at = o / ROWS * ROWS * k + o % ROWS;
      for (int t = 0; t < k; t++) {
        float v = 0f;
        if (o < outChannels) {
          int c = t / window;
          int tap = t % window;
          v = flipped ? w[(c * outChannels + o) * window + window - 1 - tap] : w[o * k + t];
        }
        panels[at + t * ROWS] = v;
      }
    }
    return panels;
  }

  /** Samples a call to {@link #compute} takes at most. */
  int samplesPerRun() {
    return samples;
  }

  /**
   * y [count, O, OH, OW] at yOff = the packed weights ⊛ the samples x [count, C, H, W] at xOff (at most {@link
   * #samplesPerRun}), plus bias [O] (null: none).
   */
  void compute(float[] panels, float[] x, int xOff, int count, float[] bias, float[] y, int yOff, float[] scratch) {
    Arrays.fill(scratch, 0, copyLength, 0f);
    for (int s = 0; s < count; s++) {
      pad(x, xOff + s * channels * height * width, s * sampleStride, scratch);
    }
    int k = taps.length;
    for (int o = 0; o < outChannels; o += ROWS) {
      int out = copyLength + o * span;
      for (int n = 0; n < span; n += TILE) {
        tile(panels, o * k, k, scratch, n, out + n);
      }
    }
    extract(bias, count, y, yOff, scratch);
  }

  /**
   * The computed positions of each output row (less its dropped ones) plus the bias into y, whole vectors at a time:
   * a row's last vector runs on into the rows after it, which this call writes later (rows go to y in order), so
   * only the call's last floats of y, and reads past the scratch, are left to single floats. The rows as loops of
   * single floats took a fifth to a quarter of a 16→16 layer's time on 28×28 planes (docs/benchmarks.md, "The output
   * rows in vectors").
   */
  private void extract(float[] bias, int count, float[] y, int yOff, float[] scratch) {
    int lastVector = yOff + count * outChannels * outH * outW - L;
    int lastRead = scratch.length - L;
    for (int s = 0; s < count; s++) {
      for (int o = 0; o < outChannels; o++) {
        float v = bias == null ? 0f : bias[o];
        FloatVector b = FloatVector.broadcast(F, v);
        int to = yOff + (s * outChannels + o) * outH * outW;
        for (int i = 0; i < outH; i++, to += outW) {
          int from = copyLength + o * span + i * rowStride + s * sampleStride;
          int j = 0;
          for (; j < outW && to + j <= lastVector && from + j <= lastRead; j += L) {
            FloatVector.fromArray(F, scratch, from + j).add(b).intoArray(y, to + j);
          }
          for (; j < outW; j++) {
            y[to + j] = scratch[from + j] + v;
          }
        }
      }
    }
  }

  /**
   * The sample at xOff into the flat layout at the start of scratch (zeroed), its rows at column {@code slot} of the
   * copy's (another sample's rows beside them where runs interleave).
   */
  private void pad(float[] x, int xOff, int slot, float[] scratch) {
    int staging = copyLength + roundedChannels() * span;
    int half = height * width / 2;
    for (int c = 0; c < channels; c++) {
      int plane = xOff + c * height * width;
      if (splitsPlanes()) {
        split(x, plane, height * width, scratch, staging, staging + half);
      }
      for (int h = 0; h < height; h++) {
        int r = h + padH;
        int from = plane + h * width;
        int row = r / strideH * rowStride;
        if (strideW == 1) {
          System.arraycopy(x, from, scratch, phase(c, r, 0) * phaseSize + row + slot + padW, width);
          continue;
        }
        for (int b = 0; b < strideW; b++) { // the columns of one phase: every strideW-th from w0
          int w0 = Math.floorMod(b - padW, strideW);
          int to = phase(c, r, b) * phaseSize + row + (w0 + padW) / strideW;
          if (splitsPlanes()) {
            System.arraycopy(scratch, staging + w0 * half + h * width / 2, scratch, to, width / 2);
            continue;
          }
          for (int w = w0; w < width; w += strideW) {
            scratch[to++] = x[from + w];
          }
        }
      }
    }
  }

  /**
   * Stride 2 across rows of an even width: a plane's even and odd columns are its even and odd floats, split in
   * vectors ({@link #split}) rather than gathered one by one (ResNet's 16→32 layer on one core: the copy 29 µs a
   * sample gathered, as long as the arithmetic; 20 µs split).
   */
  private boolean splitsPlanes() {
    return strideW == 2 && width % 2 == 0;
  }

  /** out[evens + i] = x[from + 2i] and out[odds + i] = x[from + 2i + 1] for 2i &lt; count (even). */
  private static void split(float[] x, int from, int count, float[] out, int evens, int odds) {
    int i = 0;
    for (; i + 2 * L <= count; i += 2 * L) {
      FloatVector a = FloatVector.fromArray(F, x, from + i);
      FloatVector b = FloatVector.fromArray(F, x, from + i + L);
      a.rearrange(EVENS).blend(b.rearrange(EVENS), HIGH_HALF).intoArray(out, evens + i / 2);
      a.rearrange(ODDS).blend(b.rearrange(ODDS), HIGH_HALF).intoArray(out, odds + i / 2);
    }
    for (; i < count; i += 2) {
      out[evens + i / 2] = x[from + i];
      out[odds + i / 2] = x[from + i + 1];
    }
  }

  /**
   * Output channels o..o+7 (the panel at a) at positions n..n+TILE−1 into scratch at out (rows span apart): for each
   * tap, two vectors of the padded copy and eight broadcast weights, sixteen FMAs.
   */
  private void tile(float[] a, int aOff, int k, float[] s, int n, int out) {
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
    int[] offsets = taps;
    for (int t = 0, w = aOff; t < k; t++, w += ROWS) {
      int at = n + offsets[t];
      FloatVector b0 = FloatVector.fromArray(F, s, at);
      FloatVector b1 = FloatVector.fromArray(F, s, at + L);
      FloatVector v = FloatVector.broadcast(F, a[w]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(F, a[w + 1]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(F, a[w + 2]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(F, a[w + 3]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      v = FloatVector.broadcast(F, a[w + 4]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      v = FloatVector.broadcast(F, a[w + 5]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
      v = FloatVector.broadcast(F, a[w + 6]);
      c60 = v.fma(b0, c60);
      c61 = v.fma(b1, c61);
      v = FloatVector.broadcast(F, a[w + 7]);
      c70 = v.fma(b0, c70);
      c71 = v.fma(b1, c71);
    }
    c00.intoArray(s, out);
    c01.intoArray(s, out + L);
    c10.intoArray(s, out + span);
    c11.intoArray(s, out + span + L);
    c20.intoArray(s, out + 2 * span);
    c21.intoArray(s, out + 2 * span + L);
    c30.intoArray(s, out + 3 * span);
    c31.intoArray(s, out + 3 * span + L);
    c40.intoArray(s, out + 4 * span);
    c41.intoArray(s, out + 4 * span + L);
    c50.intoArray(s, out + 5 * span);
    c51.intoArray(s, out + 5 * span + L);
    c60.intoArray(s, out + 6 * span);
    c61.intoArray(s, out + 6 * span + L);
    c70.intoArray(s, out + 7 * span);
    c71.intoArray(s, out + 7 * span + L);
  }

  private int roundedChannels() {
    return (outChannels + ROWS - 1) / ROWS * ROWS;
  }
}
