package io.jgrad.cpu;

import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.Window2d;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 convolution on the CPU, one sample per thread at a time: a sample's products (conv2 of the Fashion CNN:
 * 64×196×288) are below the size at which {@link VectorGemm} splits one product over threads, so the threads split the
 * batch instead, each with its own scratch. One group of more than {@link #SHORT_K} taps runs its forward pass, and
 * where the stride is 1 its input gradient, as a {@link DirectConvolution} over a padded copy of the sample wherever
 * the plane is no whole number of GEMM tiles and the copy's padding costs little (ResNet's 28×28, 14×14 and 7×7
 * planes; not CIFAR-10's 16×16 and 8×8); its weight gradient, where the channels are whole vectors and the output
 * channels few, as a {@link DirectWeightGradient} over a channels-last copy. The rest is im2col + the packed SIMD
 * GEMM (a few samples side by side where one sample's plane would leave a GEMM tile partly empty: {@link
 * #samplesPerProduct}), and for the input gradient the GEMM + col2im (of stride 2 through dx's phases where the plane
 * halves: {@link #col2imPhases}). Short columns of stride 1 (an image net's first layer) skip im2col in the forward
 * pass: {@link PaddedConvolution}, and, for 3×3 windows, in the weight gradient: {@link ShortWeightGradient}; the
 * weight gradient of more output channels, with whole vectors of input channels, packs its B from a channels-last
 * copy of the sample instead of the column matrix ({@link #packTaps}).
 * Nothing but the sizes of a call is allocated once the buffers have grown to the largest layer. Legend: B = batch,
 * C = input channels, O = output channels, G = groups, K = C/G·KH·KW (a column's length), P = OH·OW (output
 * positions).
 *
 * <p>The weight gradient sums over the batch: each of at most {@link #CHUNKS} fixed runs of samples sums into its own
 * partial, and the partials are added in order, so the result does not depend on the number of threads.
 */
final class ConvKernels {
  /** Partials of the weight gradient: enough runs to keep every thread busy, few enough to add cheaply. */
  private static final int CHUNKS = 16;
  /**
   * Columns a forward product reaches by taking samples side by side where one sample's plane is not a whole number
   * of GEMM tiles (see {@link #samplesPerProduct}).
   */
  private static final int BATCHED_COLUMNS = 512;
  /** The longest column (C·KH·KW) whose forward pass is {@link #shortProduct} rather than the GEMM. */
  private static final int SHORT_K = PaddedConvolution.MAX_TAPS;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Lane l ← lane l / 2, and lane L/2 + l / 2: a vector's low or high half spread over every other lane. */
  private static final VectorShuffle<Float> LOW_HALF_SPREAD = VectorShuffle.fromOp(F, l -> l / 2);
  private static final VectorShuffle<Float> HIGH_HALF_SPREAD = VectorShuffle.fromOp(F, l -> F.length() / 2 + l / 2);
  private static final VectorMask<Float> ODD_LANES =
      VectorMask.fromLong(F, 0xAAAAAAAAAAAAAAAAL & (-1L >>> (64 - F.length())));

  private final WorkerTeam team;
  private final VectorGemm[] gemms;
  /**
   * Per thread: the im2col matrix [C·KH·KW, P] of one sample (or its gradient), the sample channels-last, [H·W, C],
   * where the weight gradient packs its B from that (see packTaps), or the copies a {@link DirectConvolution} or
   * {@link DirectWeightGradient} computes from.
   */
  private final float[][] cols;
  /** Per thread: the weight gradient's B packed from a channels-last sample (see packTaps). */
  private final VectorGemm.PackedB[] tapPanels;
  private float[] partials = new float[0];
  /** The weights of each group, packed for the GEMM once per call (see {@link #packWeights}). */
  private VectorGemm.PackedA[] weightPanels = new VectorGemm.PackedA[0];
  /** The weights packed for {@link DirectConvolution}, once per call. */
  private float[] directPanels = new float[0];
  private final AtomicInteger next = new AtomicInteger();

  ConvKernels(WorkerTeam team) {
    this.team = team;
    this.gemms = new VectorGemm[team.threads()];
    this.cols = new float[team.threads()][];
    this.tapPanels = new VectorGemm.PackedB[team.threads()];
    for (int i = 0; i < gemms.length; i++) {
      gemms[i] = new VectorGemm(new WorkerTeam(1));
      cols[i] = new float[0];
      tapPanels[i] = new VectorGemm.PackedB();
    }
  }

  /** y [B, O, P] = W [O, C/G·KH·KW] · cols(x_b) per group, plus bias [O] (null: none). */
  void conv2d(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    Shape s = new Shape(g);
    if (s.padded != null) {
      forEachSample(g.batch(), (part, b) -> {
        float[] p = scratch(part, s.padded.paddedSize());
        s.padded.pad(x, b * s.inPlane, p);
        s.padded.forward(p, w, bias, y, b * s.outPlane);
      });
      return;
    }
    DirectConvolution d = DirectConvolution.forward(g);
    if (d != null) {
      direct(g, d, w, x, s.inPlane, bias, y, s.outPlane);
      return;
    }
    VectorGemm.PackedA[] panels = s.shortK ? null : packWeights(s, g.groups(), w, false);
    int per = samplesPerProduct(g, s);
    if (per > 1) {
      forEachSample((g.batch() + per - 1) / per, (part, run) -> samplesSideBySide(g, s, panels[0], x, bias, y, part,
          run * per, Math.min(per, g.batch() - run * per)));
      return;
    }
    forEachSample(g.batch(), (part, b) -> {
      float[] c = columns(part, s, g, x, b);
      int cOff = s.pointwise ? b * s.inPlane : 0;
      if (s.shortK) {
        shortProduct(s, w, c, cOff, bias, y, b * s.outPlane);
        return;
      }
      for (int gi = 0; gi < g.groups(); gi++) {
        gemms[part].gemm(panels[gi], false, s.p, 1f, c, cOff + gi * s.k * s.p, 0f, y, b * s.outPlane + gi * s.og * s.p);
      }
      if (bias != null) {
        for (int o = 0; o < g.outChannels(); o++) {
          int off = b * s.outPlane + o * s.p;
          float v = bias[o];
          for (int i = 0; i < s.p; i++) {
            y[off + i] += v;
          }
        }
      }
    });
  }

  /**
   * Each sample of in (planes inPlane apart) through the direct convolution d into out (outPlane apart), in runs of
   * d's samples.
   */
  private void direct(Conv2dGeometry g, DirectConvolution d, float[] w, float[] in, int inPlane, float[] bias,
      float[] out, int outPlane) {
    float[] panels = directPanels = d.pack(w, directPanels);
    int run = d.samplesPerRun();
    forEachSample((g.batch() + run - 1) / run, (part, r) -> d.compute(panels, in, r * run * inPlane,
        Math.min(run, g.batch() - r * run), bias, out, r * run * outPlane, scratch(part, d.scratchLength())));
  }

  /**
   * How many samples one forward product takes: one, or where a sample's P leaves its last tile of {@link
   * VectorGemm#panelWidth} columns partly empty, enough for about {@link #BATCHED_COLUMNS} columns, so that the empty
   * part is a small share (ResNet's 7×7 planes: 49 of 64 columns computed were used, 490 of 512 side by side). One
   * group, im2col's columns (not a 1×1 window's sample itself, not short ones).
   */
  private static int samplesPerProduct(Conv2dGeometry g, Shape s) {
    if (s.shortK || s.pointwise || g.groups() != 1 || s.p % VectorGemm.panelWidth() == 0) {
      return 1;
    }
    return Math.max(1, Math.min(g.batch(), BATCHED_COLUMNS / s.p));
  }

  /**
   * Samples b0 to b0 + count − 1 in one product: their column matrices side by side, [K, count·P], then W times that
   * into [O, count·P] (behind them in the thread's buffer), copied out to each sample's [O, P] with the bias. Each
   * output is the same sum over K as the sample's own product.
   */
  private void samplesSideBySide(Conv2dGeometry g, Shape s, VectorGemm.PackedA weights, float[] x, float[] bias,
      float[] y, int part, int b0, int count) {
    int n = count * s.p;
    float[] c = scratch(part, (s.k + s.og) * n);
    for (int i = 0; i < count; i++) {
      im2col(g, x, (b0 + i) * s.inPlane, c, i * s.p, n);
    }
    int product = s.k * n;
    gemms[part].gemm(weights, false, n, 1f, c, 0, 0f, c, product);
    for (int i = 0; i < count; i++) {
      for (int o = 0; o < s.og; o++) {
        int out = (b0 + i) * s.outPlane + o * s.p;
        System.arraycopy(c, product + o * n + i * s.p, y, out, s.p);
        if (bias != null) {
          float v = bias[o];
          for (int j = out; j < out + s.p; j++) {
            y[j] += v;
          }
        }
      }
    }
  }

  /**
   * {@link #samplesSideBySide}'s adjoint: the samples' dy side by side, [O, count·P] (behind the columns in the
   * thread's buffer), Wᵀ times that into the columns' gradient [K, count·P], each sample's part added into its dx.
   */
  private void gradientsSideBySide(Conv2dGeometry g, Shape s, VectorGemm.PackedA weightsT, float[] dy, float[] dx,
      int part, int b0, int count) {
    int n = count * s.p;
    float[] c = scratch(part, (s.k + s.og) * n + phasesLength(g));
    int gathered = s.k * n;
    for (int i = 0; i < count; i++) {
      for (int o = 0; o < s.og; o++) {
        System.arraycopy(dy, (b0 + i) * s.outPlane + o * s.p, c, gathered + o * n + i * s.p, s.p);
      }
    }
    gemms[part].gemm(weightsT, false, n, 1f, c, gathered, 0f, c, 0);
    for (int i = 0; i < count; i++) {
      col2im(g, c, i * s.p, n, dx, (b0 + i) * s.inPlane, (s.k + s.og) * n);
    }
  }

  /** dx_b = col2im(Wᵀ · dy_b) per group. */
  void conv2dBackwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx) {
    Shape s = new Shape(g);
    DirectConvolution d = DirectConvolution.inputGradient(g);
    if (d != null) {
      direct(g, d, w, dy, s.outPlane, null, dx, s.inPlane);
      return;
    }
    VectorGemm.PackedA[] panels = packWeights(s, g.groups(), w, true);
    int per = samplesPerProduct(g, s);
    if (per > 1) {
      forEachSample((g.batch() + per - 1) / per, (part, run) -> gradientsSideBySide(g, s, panels[0], dy, dx, part,
          run * per, Math.min(per, g.batch() - run * per)));
      return;
    }
    forEachSample(g.batch(), (part, b) -> {
      float[] c = s.pointwise ? dx : scratch(part, s.rows * s.p + phasesLength(g));
      int cOff = s.pointwise ? b * s.inPlane : 0;
      for (int gi = 0; gi < g.groups(); gi++) {
        gemms[part].gemm(panels[gi], false, s.p, 1f, dy, b * s.outPlane + gi * s.og * s.p, 0f, c,
            cOff + gi * s.k * s.p);
      }
      if (!s.pointwise) {
        col2im(g, c, 0, s.p, dx, b * s.inPlane, s.rows * s.p);
      }
    });
  }

  /**
   * dW = Σ_b dy_b · cols(x_b)ᵀ per group; dbias[o] = Σ dy[b, o, :] (null: none). A 3×3 first layer of stride 1
   * ({@link ShortWeightGradient}) sums dy's rows against shifted copies of the sample instead of any GEMM; other short
   * columns (one group, K ≤ {@link #SHORT_K}) compute dWᵀ = cols · dyᵀ: their few taps as the product's rows and the
   * channels as its columns, whole 32-wide tiles, dy transposed to pack it. {@code bench conv}, 2 threads, Intel VM:
   * Fashion-MNIST's first layer (K = 9) 0.56–0.63 ms from dy's rows against 1.51–2.57 ms as dWᵀ, CIFAR-10's (K = 27)
   * 1.94–2.04 against 2.54–2.63 ms (docs/benchmarks.md).
   */
  void conv2dBackwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
    Shape s = new Shape(g);
    ShortWeightGradient fromRows = ShortWeightGradient.applies(g) ? new ShortWeightGradient(g) : null;
    DirectWeightGradient direct = DirectWeightGradient.applies(g) ? new DirectWeightGradient(g) : null;
    int size = dw.length;
    int chunks = Math.max(1, Math.min(CHUNKS, g.batch()));
    if (partials.length < chunks * size) {
      partials = new float[chunks * size];
    }
    float[] sums = partials;
    if (g.batch() == 0) {
      Arrays.fill(sums, 0, size, 0f);
    }
    forEachSample(chunks, (part, chunk) -> {
      int b0 = (int) ((long) chunk * g.batch() / chunks);
      int b1 = (int) ((long) (chunk + 1) * g.batch() / chunks);
      if (fromRows != null) {
        fromRows.accumulate(x, dy, b0, b1, sums, chunk * size, scratch(part, fromRows.scratchLength()));
        return;
      }
      for (int b = b0; b < b1; b++) {
        if (direct != null) {
          int count = Math.min(direct.samplesPerRun(b1 - b0), b1 - b);
          direct.accumulate(x, dy, b, count, sums, chunk * size, b == b0,
              scratch(part, direct.scratchLength(count)));
          b += count - 1;
          continue;
        }
        if (s.channelsLast) {
          float[] xT = scratch(part, s.inPlane);
          VectorGemm.transpose(x, b * s.inPlane, g.inChannels(), g.height() * g.width(), xT, 0);
          packTaps(g, xT, tapPanels[part]);
          gemms[part].gemm(false, s.og, 1f, dy, b * s.outPlane, tapPanels[part], b == b0 ? 0f : 1f, sums,
              chunk * size);
          continue;
        }
        float[] c = columns(part, s, g, x, b);
        int cOff = s.pointwise ? b * s.inPlane : 0;
        if (s.shortK) {
          gemms[part].gemm(false, true, s.k, s.og, s.p, 1f, c, cOff, dy, b * s.outPlane, b == b0 ? 0f : 1f, sums,
              chunk * size);
          continue;
        }
        for (int gi = 0; gi < g.groups(); gi++) {
          gemms[part].gemm(false, true, s.og, s.k, s.p, 1f, dy, b * s.outPlane + gi * s.og * s.p, c,
              cOff + gi * s.k * s.p, b == b0 ? 0f : 1f, sums, chunk * size + gi * s.og * s.k);
        }
      }
    });
    // The partials added in chunk order, a slice per thread: into dW, or, where a partial holds dW's entries in
    // another order (short columns: dWᵀ; channels-last: each row by tap then channel), into the first partial, which
    // is then transposed into dW.
    boolean transposed = s.shortK && fromRows == null;
    boolean reordered = transposed || s.channelsLast; // a DirectWeightGradient's too: it applies to these only
    team.run((part, parts) -> {
      int i0 = (int) ((long) part * size / parts);
      int i1 = (int) ((long) (part + 1) * size / parts);
      float[] total = reordered ? sums : dw;
      if (!reordered) {
        System.arraycopy(sums, i0, dw, i0, i1 - i0);
      }
      for (int chunk = 1; chunk < chunks; chunk++) {
        int off = chunk * size;
        for (int i = i0; i < i1; i++) {
          total[i] += sums[off + i];
        }
      }
    });
    if (transposed) {
      VectorGemm.transpose(sums, 0, s.k, s.og, dw, 0);
    } else if (s.channelsLast) {
      int taps = s.k / g.inChannels();
      team.run((part, parts) -> {
        for (int o = part * s.og / parts; o < (part + 1) * s.og / parts; o++) {
          VectorGemm.transpose(sums, o * s.k, taps, g.inChannels(), dw, o * s.k);
        }
      });
    }
    if (dbias != null) {
      for (int o = 0; o < g.outChannels(); o++) {
        double sum = 0;
        for (int b = 0; b < g.batch(); b++) {
          int off = b * s.outPlane + o * s.p;
          for (int i = 0; i < s.p; i++) {
            sum += dy[off + i];
          }
        }
        dbias[o] = (float) sum;
      }
    }
  }

  /**
   * Each group's weights packed once for the whole batch, on the calling thread before the samples start: W [O/G, K]
   * for the forward pass, or Wᵀ [K, O/G] ({@code transposed}) for the input gradient.
   */
  private VectorGemm.PackedA[] packWeights(Shape s, int groups, float[] w, boolean transposed) {
    if (weightPanels.length < groups) {
      VectorGemm.PackedA[] grown = Arrays.copyOf(weightPanels, groups);
      for (int gi = weightPanels.length; gi < groups; gi++) {
        grown[gi] = new VectorGemm.PackedA();
      }
      weightPanels = grown;
    }
    for (int gi = 0; gi < groups; gi++) {
      gemms[0].pack(transposed, transposed ? s.k : s.og, transposed ? s.og : s.k, w, gi * s.og * s.k,
          weightPanels[gi]);
    }
    return weightPanels;
  }

  /** A 1×1 window of stride 1 and no padding: a sample is its own column matrix. */
  static boolean pointwise(Window2d w) {
    return w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.padH() == 0
        && w.padW() == 0;
  }

  /**
   * One group, more than {@link #SHORT_K} taps and not {@link #pointwise}: a convolution whose column matrix im2col
   * would write, the kind {@link DirectConvolution} and {@link DirectWeightGradient} compute without it.
   */
  static boolean longColumns(Conv2dGeometry g) {
    Window2d w = g.window();
    return g.groups() == 1 && g.inChannels() * w.kernelH() * w.kernelW() > SHORT_K && !pointwise(w);
  }

  /** The sizes every kernel here uses, computed once per call. */
  private static final class Shape {
    final int og;
    final int k;
    final int p;
    final int rows;
    final int inPlane;
    final int outPlane;
    /** A 1×1 window of stride 1 and no padding: x_b itself is the column matrix, no im2col needed. */
    final boolean pointwise;
    /**
     * One group with columns of at most {@link #SHORT_K} (the first layer of an image net: K = C·9 = 9 or 27): a GEMM
     * that short spends its time packing and storing, so the forward pass runs as row updates (or {@link
     * PaddedConvolution}) and the weight gradient as dWᵀ (see {@link #conv2dBackwardWeight}).
     */
    final boolean shortK;
    /** Short columns of stride 1 on rows of at least a vector: the forward pass without im2col. */
    final PaddedConvolution padded;
    /**
     * One group of whole vectors of channels, not short and not 1×1: the weight gradient is a {@link
     * DirectWeightGradient}'s, or where that does not apply its B operand, colsᵀ, is packed from a channels-last copy
     * of the sample ({@link #packTaps}) rather than transposed from the column matrix.
     */
    final boolean channelsLast;

    Shape(Conv2dGeometry g) {
      Window2d w = g.window();
      og = g.outChannels() / g.groups();
      k = g.inChannels() / g.groups() * w.kernelH() * w.kernelW();
      p = g.outHeight() * g.outWidth();
      rows = g.inChannels() * w.kernelH() * w.kernelW();
      inPlane = g.inChannels() * g.height() * g.width();
      outPlane = g.outChannels() * p;
      pointwise = pointwise(w);
      shortK = g.groups() == 1 && k <= SHORT_K;
      padded = PaddedConvolution.applies(g) ? new PaddedConvolution(g) : null;
      channelsLast = longColumns(g) && g.inChannels() % F.length() == 0;
    }
  }

  /**
   * The weight gradient's B, colsᵀ [P, KH·KW·C] with its columns by tap then channel, packed from xT (one sample
   * channels-last, [H·W, C]): a panel's step at one output position is a vector of one tap's channels, contiguous in
   * xT, or zeros where the tap falls in the padding or the columns end, for each of the panel's vectors (a panel may
   * span two taps where C is an odd number of vectors: ResNet's 16 channels in panels of 32). The column matrix
   * instead needed writing and then a transposing pack: together 30% of CIFAR-10's weight gradients (JFR); transposing
   * the sample moves a ninth of the data.
   */
  private static void packTaps(Conv2dGeometry g, float[] xT, VectorGemm.PackedB into) {
    Window2d k = g.window();
    int channels = g.inChannels();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int columns = k.kernelH() * k.kernelW() * channels;
    into.reset(oh * ow, columns);
    float[] dst = into.panels();
    FloatVector zero = FloatVector.zero(F);
    for (int j = 0; j < columns; j += VectorGemm.panelWidth()) {
      for (int v = j; v < j + VectorGemm.panelWidth(); v += F.length()) {
        int tap = v / channels;
        int c0 = v % channels;
        int down = tap / k.kernelW() * k.dilationH() - k.padH();
        int right = tap % k.kernelW() * k.dilationW() - k.padW();
        for (int i = 0; i < oh; i++) {
          int h = i * k.strideH() + down;
          boolean row = v < columns && h >= 0 && h < g.height();
          for (int jj = 0; jj < ow; jj++) {
            int w = jj * k.strideW() + right;
            int at = into.at(i * ow + jj, j) + v - j;
            if (row && w >= 0 && w < g.width()) {
              FloatVector.fromArray(F, xT, (h * g.width() + w) * channels + c0).intoArray(dst, at);
            } else {
              zero.intoArray(dst, at);
            }
          }
        }
      }
    }
  }

  /** y[o, :] = bias[o] + Σ_k W[o, k]·cols[k, :] for one sample, as K row updates per output channel. */
  private static void shortProduct(Shape s, float[] w, float[] c, int cOff, float[] bias, float[] y, int yOff) {
    for (int o = 0; o < s.og; o++) {
      int row = yOff + o * s.p;
      Arrays.fill(y, row, row + s.p, bias == null ? 0f : bias[o]);
      for (int kk = 0; kk < s.k; kk++) {
        float weight = w[o * s.k + kk];
        FloatVector wv = FloatVector.broadcast(F, weight);
        int src = cOff + kk * s.p;
        int i = 0;
        for (int bound = F.loopBound(s.p); i < bound; i += F.length()) {
          FloatVector.fromArray(F, c, src + i).fma(wv, FloatVector.fromArray(F, y, row + i)).intoArray(y, row + i);
        }
        for (; i < s.p; i++) {
          y[row + i] += weight * c[src + i];
        }
      }
    }
  }

  /** The column matrix of sample b: x itself for a pointwise (1×1) convolution, else the thread's im2col buffer. */
  private float[] columns(int part, Shape s, Conv2dGeometry g, float[] x, int b) {
    if (s.pointwise) {
      return x;
    }
    float[] c = scratch(part, s.rows * s.p);
    im2col(g, x, b * s.inPlane, c, 0, s.p);
    return c;
  }

  /** The thread's scratch of at least {@code length} floats, element {@link AlignedFloats#OFFSET} on a cache line. */
  private float[] scratch(int part, int length) {
    if (cols[part].length < length) {
      cols[part] = AlignedFloats.allocate(length);
    }
    return cols[part];
  }

  /** One unit of work (a sample, or a run of samples) on the thread that runs {@code part}. */
  private interface SampleTask {
    void run(int part, int index);
  }

  /** Runs task for every index &lt; count, the threads taking indices from a counter. */
  private void forEachSample(int count, SampleTask task) {
    if (count <= 1 || team.threads() == 1) {
      for (int i = 0; i < count; i++) {
        task.run(0, i);
      }
      return;
    }
    next.set(0);
    team.run((part, parts) -> {
      for (int i; (i = next.getAndIncrement()) < count; ) {
        task.run(part, i);
      }
    });
  }

  /**
   * cols[(c·KH + p)·KW + q, i·OW + j] = x[c, i·strideH − padH + p·dilationH, j·strideW − padW + q·dilationW] of the
   * sample at xOff, 0 in the padding: a matrix whose rows start rowStride apart (P, or more where samples lie side by
   * side), its first at colsOff.
   */
  static void im2col(Conv2dGeometry g, float[] x, int xOff, float[] cols, int colsOff, int rowStride) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int row = 0;
    for (int c = 0; c < g.inChannels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int p = 0; p < k.kernelH(); p++) {
        for (int q = 0; q < k.kernelW(); q++, row++) {
          int shift = q * k.dilationW() - k.padW();
          int j0 = firstInside(shift, k.strideW());
          int j1 = Math.max(j0, Math.min(ow, firstInside(shift - g.width(), k.strideW())));
          if (k.strideH() == 1 && k.strideW() == 1 && ow == g.width()) {
            sameSizeRow(g, x, plane, cols, colsOff + row * rowStride, p * k.dilationH() - k.padH(), shift, j0, j1);
            continue;
          }
          for (int i = 0; i < oh; i++) {
            int dst = colsOff + row * rowStride + i * ow;
            int h = i * k.strideH() - k.padH() + p * k.dilationH();
            if (h < 0 || h >= g.height()) {
              Arrays.fill(cols, dst, dst + ow, 0f);
              continue;
            }
            int src = plane + h * g.width() + shift;
            if (k.strideW() == 1) {
              System.arraycopy(x, src + j0, cols, dst + j0, j1 - j0);
            } else {
              for (int j = j0; j < j1; j++) {
                cols[dst + j] = x[src + j * k.strideW()];
              }
            }
            // The padding at the row's ends is a column or two: plain stores, as Arrays.fill's call per end took 9% of
            // CIFAR-10's CNN step (two per row of every column matrix).
            setPadding(cols, colsOff + row * rowStride, ow, i, i + 1, j0, j1, 0f);
          }
        }
      }
    }
  }

  /**
   * One row of im2col's matrix (a tap's view of one input plane, OH × OW at dst) for a stride-1 convolution whose
   * output rows are as wide as the input's (a "same" convolution, as the CNNs' layers): input row h = i + down feeds
   * output row i shifted by {@code shift}, so the rows inside the input are one contiguous run of the plane, copied at
   * once, whose columns outside [j0, j1) (a column or two: the padding) are then zeroed, in place of a copy per output
   * row (16 floats on CIFAR-10's second layer; the figures in docs/benchmarks.md, CIFAR-10's network).
   */
  private static void sameSizeRow(Conv2dGeometry g, float[] x, int plane, float[] cols, int dst, int down, int shift,
      int j0, int j1) {
    int oh = g.outHeight();
    int ow = g.outWidth();
    int i0 = Math.min(oh, Math.max(0, -down)); // the output rows whose input row is inside the plane: [i0, i1)
    int i1 = Math.max(i0, Math.min(oh, g.height() - down));
    Arrays.fill(cols, dst, dst + i0 * ow, 0f);
    Arrays.fill(cols, dst + i1 * ow, dst + oh * ow, 0f);
    if (i1 == i0 || j1 == j0) {
      Arrays.fill(cols, dst + i0 * ow, dst + i1 * ow, 0f);
      return;
    }
    // From (i0, j0) to (i1 − 1, j1 − 1): the columns outside [j0, j1) in between get the neighbouring row's values.
    int first = i0 * ow + j0;
    int length = (i1 - 1) * ow + j1 - first;
    System.arraycopy(x, plane + (i0 + down) * ow + shift + j0, cols, dst + first, length);
    setPadding(cols, dst, ow, i0, i1, j0, j1, 0f);
  }

  /**
   * Entries (i, j) of a tap's rows at dst, for i in [i0, i1) and j outside [j0, j1) (the padding), set to value. Column
   * by column: a "same" convolution pads a column or none at each end, so row by row ran two loops of zero or one trip
   * per row, 8% of CIFAR-10's CNN step (JFR), where a column is one loop of OH strided stores.
   */
  private static void setPadding(float[] cols, int dst, int ow, int i0, int i1, int j0, int j1, float value) {
    for (int j = 0; j < j0; j++) {
      setColumn(cols, dst + j, ow, i0, i1, value);
    }
    for (int j = j1; j < ow; j++) {
      setColumn(cols, dst + j, ow, i0, i1, value);
    }
  }

  /** cols[at + i·ow] = value for i in [i0, i1). */
  private static void setColumn(float[] cols, int at, int ow, int i0, int i1, float value) {
    for (int i = i0; i < i1; i++) {
      cols[at + i * ow] = value;
    }
  }

  /**
   * im2col's adjoint: dx of the sample at dxOff = Σ of the column entries that read each element (written), the
   * columns' rows rowStride apart from colsOff; cols from {@code phases} on is room for {@link #phasesLength} floats.
   * For a "same" convolution of stride 1, and through dx's phases for a stride-2 one that halves the plane ({@link
   * #col2imPhases}), the entries of cols that fall in the padding are overwritten (see {@link #sameSizeAdd}).
   */
  static void col2im(Conv2dGeometry g, float[] cols, int colsOff, int rowStride, float[] dx, int dxOff, int phases) {
    if (phasesLength(g) > 0) {
      col2imPhases(g, cols, colsOff, rowStride, phases, dx, dxOff);
      return;
    }
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    Arrays.fill(dx, dxOff, dxOff + g.inChannels() * g.height() * g.width(), 0f);
    int row = 0;
    for (int c = 0; c < g.inChannels(); c++) {
      int plane = dxOff + c * g.height() * g.width();
      for (int p = 0; p < k.kernelH(); p++) {
        for (int q = 0; q < k.kernelW(); q++, row++) {
          int shift = q * k.dilationW() - k.padW();
          int j0 = firstInside(shift, k.strideW());
          int j1 = Math.max(j0, Math.min(ow, firstInside(shift - g.width(), k.strideW())));
          if (k.strideH() == 1 && k.strideW() == 1 && ow == g.width()) {
            sameSizeAdd(g, cols, colsOff + row * rowStride, dx, plane, g.height(), p * k.dilationH() - k.padH(),
                shift, j0, j1);
            continue;
          }
          for (int i = 0; i < oh; i++) {
            int h = i * k.strideH() - k.padH() + p * k.dilationH();
            if (h < 0 || h >= g.height()) {
              continue;
            }
            int src = colsOff + row * rowStride + i * ow;
            int dst = plane + h * g.width() + shift;
            if (k.strideW() == 1) {
              for (int j = j0; j < j1; j++) {
                dx[dst + j] += cols[src + j];
              }
            } else {
              for (int j = j0; j < j1; j++) {
                dx[dst + j * k.strideW()] += cols[src + j];
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@link #sameSizeRow}'s adjoint: one tap's rows of cols (at src) added into a plane of dx, rows as wide as the
   * output's and {@code height} of them, output row i into row i + down shifted by {@code shift}, as one run from the
   * first entry inside the plane to the last, in vectors. The entries in between that fall in the padding are set to
   * −0 first, which leaves any sum exactly as it was (x + −0 = x, −0 and NaN included), so each element of dx gets the
   * same additions in the same order as the entry-by-entry loop.
   */
  private static void sameSizeAdd(Conv2dGeometry g, float[] cols, int src, float[] dx, int plane, int height,
      int down, int shift, int j0, int j1) {
    int oh = g.outHeight();
    int ow = g.outWidth();
    int i0 = Math.min(oh, Math.max(0, -down));
    int i1 = Math.max(i0, Math.min(oh, height - down));
    if (i1 == i0 || j1 == j0) {
      return;
    }
    setPadding(cols, src, ow, i0, i1, j0, j1, -0f);
    int first = i0 * ow + j0;
    int length = (i1 - 1) * ow + j1 - first;
    int from = src + first;
    int to = plane + (i0 + down) * ow + shift + j0;
    int t = 0;
    for (int bound = F.loopBound(length); t < bound; t += F.length()) {
      FloatVector.fromArray(F, dx, to + t).add(FloatVector.fromArray(F, cols, from + t)).intoArray(dx, to + t);
    }
    for (; t < length; t++) {
      dx[to + t] += cols[from + t];
    }
  }

  /**
   * The floats {@link #col2imPhases} needs beside the columns: H·W (one channel's phases) where g has strides 2, an
   * output of half its input's even height and width, at least 4 taps and rows of at least 3/4 of the two vectors
   * {@link #interleave} writes at a time; else none. With fewer taps or narrower rows the phases' own passes cost
   * more than the single additions they spare (one core, 64 samples: a 1×1 window 0.21 → 0.44 ms, 3×3 on 8×8 0.42 →
   * 1.5; on 14×14 level, on 28×28 1.70 → 0.88).
   */
  static int phasesLength(Conv2dGeometry g) {
    Window2d k = g.window();
    boolean halves = k.strideH() == 2 && k.strideW() == 2 && g.height() % 2 == 0 && g.width() % 2 == 0
        && 2 * g.outHeight() == g.height() && 2 * g.outWidth() == g.width();
    boolean worthwhile = k.kernelH() * k.kernelW() >= 4 && 2 * g.width() >= 3 * F.length();
    return halves && worthwhile ? g.height() * g.width() : 0;
  }

  /**
   * col2im of a stride-2 convolution that halves the plane, through dx's four phases (rows and columns even or odd,
   * each an OH × OW plane at {@code phases} in cols): a tap's entries all land in one phase, output (i, j) at (i +
   * down, j + shift) there, so each tap's rows add into it as one run in vectors ({@link #sameSizeAdd}) where they
   * went to every other element of dx one at a time (ResNet's 16→32 layer on 28×28: col2im took longer than its
   * GEMM). Each channel's phases are then interleaved into dx; each element the same additions in the same order.
   */
  private static void col2imPhases(Conv2dGeometry g, float[] cols, int colsOff, int rowStride, int phases,
      float[] dx, int dxOff) {
    Window2d k = g.window();
    int quarter = g.outHeight() * g.outWidth();
    int row = 0;
    for (int c = 0; c < g.inChannels(); c++) {
      Arrays.fill(cols, phases, phases + 4 * quarter, 0f);
      for (int p = 0; p < k.kernelH(); p++) {
        int r = p * k.dilationH() - k.padH();
        for (int q = 0; q < k.kernelW(); q++, row++) {
          int s = q * k.dilationW() - k.padW();
          int shift = Math.floorDiv(s, 2);
          int j0 = Math.min(g.outWidth(), firstInside(shift, 1));
          int j1 = Math.max(j0, Math.min(g.outWidth(), firstInside(shift - g.outWidth(), 1)));
          int phase = phases + (Math.floorMod(r, 2) * 2 + Math.floorMod(s, 2)) * quarter;
          sameSizeAdd(g, cols, colsOff + row * rowStride, cols, phase, g.outHeight(), Math.floorDiv(r, 2), shift,
              j0, j1);
        }
      }
      interleave(cols, phases, g.outHeight(), g.outWidth(), dx, dxOff + c * 4 * quarter,
          dxOff + g.inChannels() * 4 * quarter);
    }
  }

  /**
   * The four OH × OW phases at {@code phases} in src (even rows' even and odd columns, odd rows' even and odd) as the
   * 2·OH × 2·OW plane at {@code plane} in dx: two vectors of a phase row's floats, interleaved, make two vectors of a
   * row of dx, whose last pair runs on into the rows after it (written after it, so overwritten); where that would
   * pass {@code end}, one float at a time.
   */
  private static void interleave(float[] src, int phases, int oh, int ow, float[] dx, int plane, int end) {
    int quarter = oh * ow;
    int lastRead = src.length - F.length();
    for (int h = 0; h < 2 * oh; h++) {
      int evens = phases + (h % 2) * 2 * quarter + h / 2 * ow;
      int odds = evens + quarter;
      int to = plane + h * 2 * ow;
      int m = 0;
      for (; m < ow && to + 2 * (m + F.length()) <= end && odds + m <= lastRead; m += F.length()) {
        FloatVector e = FloatVector.fromArray(F, src, evens + m);
        FloatVector o = FloatVector.fromArray(F, src, odds + m);
        e.rearrange(LOW_HALF_SPREAD).blend(o.rearrange(LOW_HALF_SPREAD), ODD_LANES).intoArray(dx, to + 2 * m);
        e.rearrange(HIGH_HALF_SPREAD).blend(o.rearrange(HIGH_HALF_SPREAD), ODD_LANES)
            .intoArray(dx, to + 2 * m + F.length());
      }
      for (; m < ow; m++) {
        dx[to + 2 * m] = src[evens + m];
        dx[to + 2 * m + 1] = src[odds + m];
      }
    }
  }

  /** The least j ≥ 0 with j·stride + shift ≥ 0. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }
}
