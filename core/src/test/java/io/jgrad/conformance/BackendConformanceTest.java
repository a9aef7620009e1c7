package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.BinaryOp;
import io.jgrad.Buffer;
import io.jgrad.DType;
import io.jgrad.Distribution;
import io.jgrad.MemoryStats;
import io.jgrad.Philox;
import io.jgrad.ReduceOp;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of the {@link Backend} SPI against a float64 computation written here, on random inputs at odd sizes,
 * with outputs poisoned with NaN beforehand so that an unwritten element fails. A backend module runs it with a
 * subclass that implements {@link #createBackend()} (and may widen {@link #tolerance()} or add {@link
 * #edgeGemmShapes()}).
 */
public abstract class BackendConformanceTest {
  /** Odd sizes: a single element, less than a vector, more than a vector, and one short of a power of two. */
  private static final int[] SIZES = {1, 7, 33, 1023};

  private static final long SEED = 0x5EED_1234_ABCD_0042L;

  private Backend backend;
  private Random rng;

  protected abstract Backend createBackend();

  protected Tolerance tolerance() {
    return Tolerance.DEFAULT;
  }

  /** GEMM shapes {m, n, k} that every backend runs. */
  private static final int[][] GEMM_SHAPES = {
    {1, 1, 1}, {7, 33, 1}, {1, 7, 33}, {33, 7, 65}, {5, 3, 1023}, {17, 31, 600}, {129, 257, 65}
  };

  /** GEMM shapes {m, n, k} run after {@link #GEMM_SHAPES}: a fast backend adds the edges of its blocking. */
  protected int[][] edgeGemmShapes() {
    return new int[0][];
  }

  @BeforeEach
  void open() {
    backend = createBackend();
    rng = new Random(SEED);
  }

  @AfterEach
  void close() {
    if (backend != null) { // null when createBackend() threw: let its exception be the one reported
      backend.close();
    }
  }

  // ---- memory ----

  @Test
  void memoryStatsReturnToTheStartAfterFree() {
    MemoryStats start = backend.memoryStats();
    Buffer f = backend.allocate(DType.FLOAT32, 1023);
    Buffer i = backend.allocate(DType.INT32, 7);
    long bytes = 1023 * 4 + 7 * 4;
    MemoryStats during = backend.memoryStats();
    assertEquals(start.liveBytes() + bytes, during.liveBytes(), "live bytes after two allocations");
    assertTrue(during.peakBytes() >= during.liveBytes(), "peak " + during.peakBytes() + " below live");
    backend.free(f);
    backend.free(i);
    MemoryStats after = backend.memoryStats();
    assertEquals(start.liveBytes(), after.liveBytes(), "live bytes after freeing everything");
    assertEquals(during.peakBytes(), after.peakBytes(), "peak survives frees");
    backend.resetPeak();
    assertEquals(after.liveBytes(), backend.memoryStats().peakBytes(), "resetPeak restarts at live bytes");
  }

  @Test
  void aFreedBufferIsReusedWithoutAskingTheSystem() {
    backend.free(backend.allocate(DType.FLOAT32, 33));
    long before = backend.memoryStats().systemAllocations();
    backend.free(backend.allocate(DType.FLOAT32, 33));
    assertEquals(before, backend.memoryStats().systemAllocations(), "second allocation of the same size");
  }

  @Test
  void doubleFreeAndForeignBuffersAreErrors() {
    Buffer b = backend.allocate(DType.FLOAT32, 7);
    backend.free(b);
    assertThrows(IllegalArgumentException.class, () -> backend.free(b), "double free");
    Buffer foreign = new Buffer(DType.FLOAT32, 7) {};
    assertThrows(IllegalArgumentException.class, () -> backend.free(foreign), "free of a foreign buffer");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.unary(UnaryOp.NEG, 0, foreign, backend.allocate(DType.FLOAT32, 7)),
        "kernel on a foreign buffer");
  }

  @EachFloatType
  void uploadDownloadCopyFill(DType dtype) {
    assumeSupported(dtype);
    for (int n : SIZES) {
      double[] x = values(dtype, n, -5, 5);
      Buffer b = put(dtype, x);
      assertArrayEquals(x, get(b), "round trip of " + n);
      Buffer dst = poisoned(dtype, n + 4);
      backend.copy(b, 0, dst, 2, n);
      double[] out = get(dst);
      assertArrayEquals(x, Arrays.copyOfRange(out, 2, n + 2), "copy into offset 2");
      assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[n + 3]), "copy wrote outside its range");
      backend.fill(dst, 0.5);
      assertArrayEquals(filled(n + 4, 0.5), get(dst), "fill");
    }
  }

  @Test
  void int32RoundTripsAndCopies() {
    int[] labels = {3, -1, 7, Integer.MAX_VALUE, 0, 2, 9};
    Buffer b = backend.allocate(DType.INT32, labels.length);
    backend.upload(b, labels);
    Buffer c = backend.allocate(DType.INT32, labels.length);
    backend.copy(b, 0, c, 0, labels.length);
    int[] back = new int[labels.length];
    backend.download(c, back);
    assertArrayEquals(labels, back);
  }

  @Test
  void lengthMismatchesAreErrors() {
    Buffer x = backend.allocate(DType.FLOAT32, 7);
    Buffer y = backend.allocate(DType.FLOAT32, 8);
    assertThrows(IllegalArgumentException.class, () -> backend.upload(x, new float[8]), "upload");
    assertThrows(IllegalArgumentException.class, () -> backend.unary(UnaryOp.NEG, 0, x, y), "unary");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.gemm(false, false, 1, 3, 3, 3, 1, y, 9, y, 9, 0, x, 9),
        "gemm into a too small C");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.binary(BinaryOp.ADD, x, Shape.of(7), y, Shape.of(8), y, Shape.of(8)),
        "binary of shapes that do not broadcast");
    assertThrows(
        IllegalArgumentException.class, () -> backend.copy(x, 0, y, 2, 7), "copy past the end of dst");
  }

  // ---- GEMM ----

  @EachFloatType
  void gemmEveryTransposeAndShapeIgnoringNanInC(DType dtype) {
    assumeSupported(dtype);
    for (int[] s : Stream.concat(Arrays.stream(GEMM_SHAPES), Arrays.stream(edgeGemmShapes())).toList()) {
      for (int t = 0; t < 4; t++) {
        // beta = 0 over a NaN-poisoned C: the old contents must be ignored, and every element written.
        gemmCase(dtype, (t & 1) != 0, (t & 2) != 0, 1, s[0], s[1], s[2], false, false, 1.0, 0.0);
      }
    }
  }

  @EachFloatType
  void gemmAlphaBeta(DType dtype) {
    assumeSupported(dtype);
    for (int t = 0; t < 4; t++) {
      gemmCase(dtype, (t & 1) != 0, (t & 2) != 0, 1, 33, 7, 65, false, false, 0.5, -0.75);
    }
  }

  @EachFloatType
  void gemmBatchedWithStrideZeroBroadcast(DType dtype) {
    assumeSupported(dtype);
    for (int t = 0; t < 4; t++) {
      boolean ta = (t & 1) != 0;
      boolean tb = (t & 2) != 0;
      gemmCase(dtype, ta, tb, 3, 7, 33, 5, false, false, 1.0, 0.0);
      gemmCase(dtype, ta, tb, 3, 7, 33, 5, true, false, 2.0, 1.0);
      gemmCase(dtype, ta, tb, 4, 17, 9, 40, false, true, 1.0, 0.5);
    }
  }

  /**
   * One GEMM against the float64 triple loop.
   *
   * @param broadcastA stride 0 for A (one matrix shared by the batch); likewise broadcastB
   */
  private void gemmCase(
      DType dtype, boolean ta, boolean tb, int batch, int m, int n, int k, boolean broadcastA, boolean broadcastB,
      double alpha, double beta) {
    long strideA = broadcastA ? 0 : (long) m * k;
    long strideB = broadcastB ? 0 : (long) k * n;
    double[] a = values(dtype, (int) ((broadcastA ? 1 : batch) * (long) m * k), -1, 1);
    double[] b = values(dtype, (int) ((broadcastB ? 1 : batch) * (long) k * n), -1, 1);
    double[] c0 = beta == 0 ? filled(batch * m * n, Double.NaN) : values(dtype, batch * m * n, -1, 1);
    double[] expected = new double[c0.length];
    double[] magnitude = new double[c0.length];
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            double x = a[(int) (bi * strideA) + (ta ? p * m + i : i * k + p)];
            double y = b[(int) (bi * strideB) + (tb ? j * k + p : p * n + j)];
            sum += x * y;
            abs += Math.abs(x * y);
          }
          int ij = bi * m * n + i * n + j;
          double old = beta == 0 ? 0 : beta * c0[ij];
          expected[ij] = alpha * sum + old;
          magnitude[ij] = Math.abs(alpha) * abs + Math.abs(old);
        }
      }
    }
    Buffer c = put(dtype, c0);
    backend.gemm(ta, tb, batch, m, n, k, alpha, put(dtype, a), strideA, put(dtype, b), strideB, beta, c, (long) m * n);
    String what = String.format("gemm %s%s batch %d %dx%dx%d strides %d/%d alpha %s beta %s",
        ta ? "T" : "N", tb ? "T" : "N", batch, m, n, k, strideA, strideB, alpha, beta);
    tolerance().assertSumsClose(dtype, what, expected, magnitude, get(c));
  }

  // ---- unary ----

  @Test
  void everyUnaryOpHasATableRow() {
    for (UnaryOp op : UnaryOp.values()) {
      assertNotNull(UnaryCases.of(op), "UnaryCases has no row for " + op);
    }
  }

  @EachFloatType
  void unaryForwardAgainstTheTable(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      UnaryCase row = tableRow(op);
      for (int n : SIZES) {
        double[] x = awayFromKinks(dtype, n, row.low(), row.high(), row.kinks());
        Buffer y = poisoned(dtype, n);
        backend.unary(op, row.alpha(), put(dtype, x), y);
        tolerance().assertClose(dtype, op + " forward, n=" + n, map(x, row.function()::applyAsDouble), get(y));
      }
      double[] x = awayFromKinks(dtype, 33, row.low(), row.high(), row.kinks());
      Buffer inPlace = put(dtype, x);
      backend.unary(op, row.alpha(), inPlace, inPlace);
      tolerance().assertClose(dtype, op + " forward in place", map(x, row.function()::applyAsDouble), get(inPlace));
    }
  }

  @EachFloatType
  void unaryBackwardAgainstTheTable(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      UnaryCase row = tableRow(op);
      if (row.derivative() == null) {
        continue;
      }
      for (int n : SIZES) {
        double[] x = awayFromKinks(dtype, n, row.low(), row.high(), row.kinks());
        double[] dy = values(dtype, n, -2, 2);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = dy[i] * row.derivative().applyAsDouble(x[i]);
        }
        Buffer saved = savedFor(dtype, op, row, x);
        Buffer dx = poisoned(dtype, n);
        backend.unaryBackward(op, row.alpha(), saved, put(dtype, dy), dx);
        tolerance().assertClose(dtype, op + " backward, n=" + n, expected, get(dx));
        Buffer inPlace = put(dtype, dy);
        backend.unaryBackward(op, row.alpha(), saved, inPlace, inPlace);
        tolerance().assertClose(dtype, op + " backward in place, n=" + n, expected, get(inPlace));
      }
    }
  }

  /** What the op's forward would have saved: its input, its output (rounded to dtype), or nothing. */
  private Buffer savedFor(DType dtype, UnaryOp op, UnaryCase row, double[] x) {
    switch (op.saves()) {
      case INPUT:
        return put(dtype, x);
      case OUTPUT:
        return put(dtype, round(dtype, map(x, row.function()::applyAsDouble)));
      default:
        return null;
    }
  }

  private static final double[] NON_FINITE = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

  /**
   * As PyTorch's threshold_backward and clamp_backward, a select: where RELU's or CLAMP's mask is 0, dx is 0 even for
   * a NaN or infinite dy; inside it dy passes unchanged. LEAKY_RELU scales dy by its slope there (so NaN stays NaN),
   * as leaky_relu_backward does. 3×33 runs a SIMD body and its scalar tail, unfused and fused with a bias.
   */
  @EachFloatType
  void maskedGradientsAreZeroOutsideTheMaskEvenForNonFiniteDy(DType dtype) {
    assumeSupported(dtype);
    int rows = 3;
    int cols = 33;
    int n = rows * cols;
    for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.CLAMP}) {
      double alpha = tableRow(op).alpha();
      // What the forward saved (RELU and LEAKY_RELU their output, CLAMP its input), inside and outside the mask.
      double inside = op == UnaryOp.CLAMP ? alpha / 2 : 1.5;
      double outside = op == UnaryOp.CLAMP ? 4 * alpha : op == UnaryOp.LEAKY_RELU ? -3 * alpha : 0;
      double[] saved = new double[n];
      double[] dy = new double[n];
      double[] dx = new double[n];
      double[] dbias = new double[cols];
      for (int i = 0; i < n; i++) {
        boolean in = i % 2 == 0;
        saved[i] = round(dtype, in ? inside : outside);
        dy[i] = NON_FINITE[i % 3];
        dx[i] = in ? dy[i] : op == UnaryOp.LEAKY_RELU ? alpha * dy[i] : 0;
        dbias[i % cols] += dx[i];
      }
      Buffer dxOut = poisoned(dtype, n);
      backend.unaryBackward(op, alpha, put(dtype, saved), put(dtype, dy), dxOut);
      tolerance().assertClose(dtype, op + " backward of a non-finite dy", dx, get(dxOut));
      if (op.saves() == UnaryOp.Saves.OUTPUT) { // the fused epilogue takes only activations that save y
        Buffer fusedDx = poisoned(dtype, n);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationBackward(op, alpha, put(dtype, saved), put(dtype, dy), fusedDx, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward dx " + op + " of a non-finite dy", dx, get(fusedDx));
        tolerance().assertClose(dtype, "biasActivationBackward dbias " + op + " of a non-finite dy", dbias,
            get(dbiasOut));
      }
    }
  }

  /** The activations a model can be built with; each must let a NaN through as PyTorch's does. */
  private static final UnaryOp[] ACTIVATIONS = {
    UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.ELU, UnaryOp.GELU, UnaryOp.SIGMOID, UnaryOp.TANH
  };

  /**
   * As torch.relu, leaky_relu, elu, gelu, sigmoid and tanh: a NaN input gives a NaN output (an activation that mapped
   * NaN to 0 would hide a diverged layer from the non-finite guard). Backward at a NaN saved value follows PyTorch's
   * branches: RELU and ELU test {@code saved <= 0}, so dy passes; LEAKY_RELU tests {@code saved > 0}, so dy is scaled
   * by the slope; the others compute with the NaN and give NaN. 3×33 runs a SIMD body and its tail, unfused and fused.
   */
  @EachFloatType
  void activationsPropagateNaNAsPyTorchDoes(DType dtype) {
    assumeSupported(dtype);
    int rows = 3;
    int cols = 33;
    int n = rows * cols;
    for (UnaryOp op : ACTIVATIONS) {
      UnaryCase row = tableRow(op);
      double[] x = awayFromKinks(dtype, n, -3, 3, row.kinks());
      double[] y = new double[n];
      double[] dy = values(dtype, n, -1, 1);
      double[] dx = new double[n];
      for (int i = 0; i < n; i++) {
        if (i % 3 == 1) {
          x[i] = Double.NaN;
          y[i] = Double.NaN;
          dx[i] = switch (op) {
            case RELU, ELU -> dy[i];
            case LEAKY_RELU -> row.alpha() * dy[i];
            default -> Double.NaN;
          };
        } else {
          y[i] = row.function().applyAsDouble(x[i]);
          dx[i] = dy[i] * row.derivative().applyAsDouble(x[i]);
        }
      }
      Buffer yOut = put(dtype, filled(n, 7));
      backend.unary(op, row.alpha(), put(dtype, x), yOut);
      tolerance().assertClose(dtype, op + " of NaN", y, get(yOut));
      Buffer saved = op.saves() == UnaryOp.Saves.OUTPUT ? put(dtype, round(dtype, y)) : put(dtype, x);
      Buffer dxOut = put(dtype, filled(n, 7));
      backend.unaryBackward(op, row.alpha(), saved, put(dtype, dy), dxOut);
      tolerance().assertClose(dtype, op + " backward at NaN", dx, get(dxOut));
      if (op != UnaryOp.GELU) { // the fused epilogue takes only activations that save y
        Buffer fused = put(dtype, filled(n, 7));
        backend.biasActivation(op, row.alpha(), put(dtype, x), put(dtype, new double[cols]), fused, rows, cols);
        tolerance().assertClose(dtype, "biasActivation " + op + " of NaN", y, get(fused));
        Buffer fusedDx = put(dtype, filled(n, 7));
        backend.biasActivationBackward(op, row.alpha(), saved, put(dtype, dy), fusedDx, poisoned(dtype, cols),
            rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward " + op + " at NaN", dx, get(fusedDx));
      }
    }
  }

  // ---- binary ----

  /** Pairs of operand shapes: same shape, row broadcast, outer product, rank extension, scalars. */
  private static final Shape[][] BROADCASTS = {
    {Shape.of(1023), Shape.of(1023)},
    {Shape.of(7, 33), Shape.of(33)},
    {Shape.of(7, 1), Shape.of(1, 33)},
    {Shape.of(2, 1, 5), Shape.of(3, 1)},
    {Shape.scalar(), Shape.of(7, 33)},
    {Shape.of(33), Shape.scalar()},
    {Shape.of(1), Shape.of(1)},
  };

  @EachFloatType
  void binaryWithBroadcasting(DType dtype) {
    assumeSupported(dtype);
    for (BinaryOp op : BinaryOp.values()) {
      for (Shape[] pair : BROADCASTS) {
        Shape out = Shape.broadcast("test", pair[0], pair[1]);
        double[] a = binaryOperand(op, true, (int) pair[0].size());
        double[] b = binaryOperand(op, false, (int) pair[1].size());
        Buffer o = poisoned(dtype, (int) out.size());
        backend.binary(op, put(dtype, a), pair[0], put(dtype, b), pair[1], o, out);
        String what = "binary " + op + " " + pair[0] + " with " + pair[1];
        tolerance().assertClose(dtype, what, binaryExpected(op, a, pair[0], b, pair[1], out), get(o));
      }
    }
  }

  @EachFloatType
  void binaryInPlace(DType dtype) {
    assumeSupported(dtype);
    Shape full = Shape.of(7, 33);
    Shape row = Shape.of(33);
    for (BinaryOp op : BinaryOp.values()) {
      double[] a = binaryOperand(op, true, 7 * 33);
      double[] b = binaryOperand(op, false, 33);
      double[] expected = binaryExpected(op, a, full, b, row, full);
      Buffer ab = put(dtype, a);
      backend.binary(op, ab, full, put(dtype, b), row, ab, full);
      tolerance().assertClose(dtype, "binary " + op + " in place", expected, get(ab));
    }
  }

  /**
   * Inputs on a grid of quarter steps so that comparisons meet ties, kept positive for POW's base and non-zero for
   * DIV's divisor.
   */
  private double[] binaryOperand(BinaryOp op, boolean first, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double x = (rng.nextInt(17) - 8) * 0.25;
      if (op == BinaryOp.POW && first) {
        x = Math.abs(x) + 0.25;
      } else if (op == BinaryOp.DIV && !first && x == 0) {
        x = 1;
      }
      v[i] = x;
    }
    return v;
  }

  private static double[] binaryExpected(BinaryOp op, double[] a, Shape as, double[] b, Shape bs, Shape out) {
    int[] dims = out.dims();
    double[] expected = new double[(int) out.size()];
    for (int o = 0; o < expected.length; o++) {
      double x = a[broadcastIndex(o, dims, as.dims())];
      double y = b[broadcastIndex(o, dims, bs.dims())];
      expected[o] = binaryReference(op, x, y);
    }
    return expected;
  }

  /** The flat index into an operand of dims {@code from} of output element o (dims {@code out}), NumPy-aligned. */
  private static int broadcastIndex(int o, int[] out, int[] from) {
    int[] coord = new int[out.length];
    for (int d = out.length - 1, rest = o; d >= 0; d--) {
      coord[d] = rest % out[d];
      rest /= out[d];
    }
    int index = 0;
    int shift = out.length - from.length;
    for (int d = 0; d < from.length; d++) {
      index = index * from[d] + (from[d] == 1 ? 0 : coord[d + shift]);
    }
    return index;
  }

  private static double binaryReference(BinaryOp op, double x, double y) {
    switch (op) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case MAX:
        return x > y ? x : y;
      case MIN:
        return x < y ? x : y;
      case POW:
        return Math.exp(y * Math.log(x));
      case EQ:
        return x == y ? 1 : 0;
      case GE:
        return x >= y ? 1 : 0;
      case GT:
        return x > y ? 1 : 0;
      default:
        throw new AssertionError("binaryReference has no case for " + op);
    }
  }

  // ---- fused bias + activation ----

  private static final UnaryOp[] FUSED_ACTIVATIONS = {
    UnaryOp.IDENTITY, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.ELU, UnaryOp.SIGMOID, UnaryOp.TANH
  };

  private static final int[][] MATRICES = {{1, 1}, {7, 33}, {1, 1023}, {33, 7}, {65, 129}};

  @EachFloatType
  void biasActivationForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (UnaryOp act : FUSED_ACTIVATIONS) {
      UnaryCase row = tableRow(act);
      for (int[] rc : MATRICES) {
        int rows = rc[0];
        int cols = rc[1];
        double[] bias = values(dtype, cols, -1, 1);
        double[] x = new double[rows * cols];
        double[] pre = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
          double[] xr = awayFromKinks(dtype, cols, -3, 3, row.kinks());
          for (int c = 0; c < cols; c++) {
            // Keep x + bias off the kinks too: shift x where the sum lands next to one.
            x[r * cols + c] = nearKink(xr[c] + bias[c], row.kinks()) ? round(dtype, xr[c] + 0.01) : xr[c];
            pre[r * cols + c] = x[r * cols + c] + bias[c];
          }
        }
        String what = act + " " + rows + "x" + cols;
        Buffer y = poisoned(dtype, rows * cols);
        backend.biasActivation(act, row.alpha(), put(dtype, x), put(dtype, bias), y, rows, cols);
        double[] yExpected = map(pre, row.function()::applyAsDouble);
        tolerance().assertClose(dtype, "biasActivation " + what, yExpected, get(y));

        double[] dy = values(dtype, rows * cols, -1, 1);
        double[] dx = new double[rows * cols];
        double[] dbias = new double[cols];
        double[] dbiasMagnitude = new double[cols];
        for (int i = 0; i < dx.length; i++) {
          dx[i] = dy[i] * row.derivative().applyAsDouble(pre[i]);
          dbias[i % cols] += dx[i];
          dbiasMagnitude[i % cols] += Math.abs(dx[i]);
        }
        Buffer yRounded = put(dtype, round(dtype, yExpected));
        Buffer dxOut = poisoned(dtype, rows * cols);
        Buffer dbiasOut = poisoned(dtype, cols);
        backend.biasActivationBackward(act, row.alpha(), yRounded, put(dtype, dy), dxOut, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward dx " + what, dx, get(dxOut));
        tolerance().assertSumsClose(
            dtype, "biasActivationBackward dbias " + what, dbias, dbiasMagnitude, get(dbiasOut));
        Buffer inPlace = put(dtype, dy);
        backend.biasActivationBackward(act, row.alpha(), yRounded, inPlace, inPlace, dbiasOut, rows, cols);
        tolerance().assertClose(dtype, "biasActivationBackward in place " + what, dx, get(inPlace));
      }
    }
  }

  @Test
  void biasActivationRefusesActivationsThatNeedTheirInput() {
    Buffer x = backend.allocate(DType.FLOAT32, 6);
    Buffer bias = backend.allocate(DType.FLOAT32, 3);
    assertThrows(
        IllegalArgumentException.class, () -> backend.biasActivation(UnaryOp.GELU, 0, x, bias, x, 2, 3), "GELU");
  }

  // ---- reductions ----

  private static final int[][] REDUCE_SHAPES = {
    {1, 1, 1}, {1, 1023, 1}, {7, 33, 1}, {3, 7, 33}, {33, 1, 7}, {1, 7, 33}
  };

  @EachFloatType
  void reduceEveryOpAlongEveryAxisPosition(DType dtype) {
    assumeSupported(dtype);
    for (ReduceOp op : ReduceOp.values()) {
      for (int[] s : REDUCE_SHAPES) {
        int outer = s[0];
        int n = s[1];
        int inner = s[2];
        double[] x = new double[outer * n * inner];
        for (int i = 0; i < x.length; i++) {
          x[i] = (rng.nextInt(9) - 4) * 0.5 + (op == ReduceOp.SUM ? rng.nextDouble() : 0); // ties for max/argmax
        }
        x = round(dtype, x);
        double[] expected = new double[outer * inner];
        double[] magnitude = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
          for (int in = 0; in < inner; in++) {
            expected[o * inner + in] = reduceReference(op, x, o * n * inner + in, n, inner);
            magnitude[o * inner + in] = reduceReference(ReduceOp.SUM, map(x, Math::abs), o * n * inner + in, n, inner);
          }
        }
        Buffer out = poisoned(dtype, outer * inner);
        backend.reduce(op, put(dtype, x), outer, n, inner, out);
        String what = "reduce " + op + " " + Arrays.toString(s);
        if (op == ReduceOp.MEAN) {
          magnitude = map(magnitude, v -> v / n);
        }
        tolerance().assertSumsClose(dtype, what, expected, magnitude, get(out));
      }
    }
  }

  /** As torch.max: a NaN beats every number, and the first NaN along the axis is the one reported. */
  @EachFloatType
  void maxAndArgmaxPropagateTheFirstNaN(DType dtype) {
    assumeSupported(dtype);
    double nan = Double.NaN;
    // Three rows of five, reduced along the rows: NaN in the middle (after a larger number), NaN first, no NaN.
    double[] x = {1, 4, nan, 3, nan, nan, 2, 9, nan, 0, 1, 4, 2, 4, 0};
    Buffer max = poisoned(dtype, 3);
    Buffer argmax = poisoned(dtype, 3);
    backend.reduce(ReduceOp.MAX, put(dtype, x), 3, 5, 1, max);
    backend.reduce(ReduceOp.ARGMAX, put(dtype, x), 3, 5, 1, argmax);
    double[] m = get(max);
    assertTrue(Double.isNaN(m[0]) && Double.isNaN(m[1]) && m[2] == 4, "max " + Arrays.toString(m));
    assertArrayEquals(new double[] {2, 0, 1}, get(argmax), "argmax");
  }

  /** As torch.empty(0, 3).mean(0) and .sum(0): the mean of nothing is 0/0 = NaN, the sum 0; max has no answer. */
  @EachFloatType
  void reduceOverAnEmptyAxis(DType dtype) {
    assumeSupported(dtype);
    Buffer x = backend.allocate(dtype, 0);
    Buffer mean = put(dtype, filled(3, 7)); // not NaN-poisoned: NaN is the answer here
    backend.reduce(ReduceOp.MEAN, x, 1, 0, 3, mean);
    assertArrayEquals(filled(3, Double.NaN), get(mean), "mean over an empty axis");
    Buffer sum = poisoned(dtype, 3);
    backend.reduce(ReduceOp.SUM, x, 1, 0, 3, sum);
    assertArrayEquals(filled(3, 0), get(sum), "sum over an empty axis");
    for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.ARGMAX}) {
      assertThrows(IllegalArgumentException.class, () -> backend.reduce(op, x, 1, 0, 3, sum), op + " of nothing");
    }
  }

  private static double reduceReference(ReduceOp op, double[] x, int start, int n, int stride) {
    double sum = 0;
    int best = 0;
    for (int j = 0; j < n; j++) {
      sum += x[start + j * stride];
      if (x[start + j * stride] > x[start + best * stride]) {
        best = j;
      }
    }
    switch (op) {
      case SUM:
        return sum;
      case MEAN:
        return sum / n;
      case MAX:
        return x[start + best * stride];
      case ARGMAX:
        return best;
      default:
        throw new AssertionError("reduceReference has no case for " + op);
    }
  }

  // ---- softmax cross-entropy ----

  private static final double SMOOTHING = 0.1;

  @EachFloatType
  void softmaxCrossEntropyForwardAndBackward(DType dtype) {
    assumeSupported(dtype);
    for (int[] rc : new int[][] {{1, 1}, {7, 33}, {3, 1023}, {33, 7}}) {
      for (double s : new double[] {0, SMOOTHING}) {
        double[] logits = values(dtype, rc[0] * rc[1], -5, 5);
        softmaxCase(dtype, rc[0], rc[1], s, logits, randomLabels(rc[0], rc[1]));
      }
    }
  }

  @EachFloatType
  void softmaxCrossEntropyIsStableForHugeLogits(DType dtype) {
    assumeSupported(dtype);
    int rows = 4;
    int cols = 7;
    double[] logits = new double[rows * cols];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (i % 3 == 0 ? 1e4 : -1e4) + i;
    }
    // Labels on the −1e4 logits: the loss is about 2e4, exp of the raw logits would overflow.
    softmaxCase(dtype, rows, cols, SMOOTHING, logits, new int[] {1, 2, 4, 5});
  }

  /**
   * As PyTorch: a −inf logit off the label gives a finite loss without smoothing (its log p is never read) and +inf
   * with it; its gradient is p − t, finite either way (0 without smoothing).
   */
  @EachFloatType
  void softmaxCrossEntropyWithAMinusInfinityLogitOffTheLabel(DType dtype) {
    assumeSupported(dtype);
    double inf = Double.NEGATIVE_INFINITY;
    double[] logits = {1, inf, 0.5, -2, inf, 3, 0.25, 0.5, inf}; // 3 rows of 3 classes
    for (double s : new double[] {0, SMOOTHING}) {
      softmaxCase(dtype, 3, 3, s, logits, new int[] {0, 2, 1});
    }
  }

  @Test
  void softmaxCrossEntropyRejectsBadLabelsNamingRowAndLabel() {
    Buffer logits = backend.allocate(DType.FLOAT32, 6 * 5);
    backend.fill(logits, 0);
    Buffer probs = backend.allocate(DType.FLOAT32, 6 * 5);
    Buffer loss = backend.allocate(DType.FLOAT32, 6);
    for (int bad : new int[] {5, -1, 1234}) {
      Buffer labels = backend.allocate(DType.INT32, 6);
      backend.upload(labels, new int[] {0, 1, 2, 3, bad, 4});
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> backend.softmaxCrossEntropy(logits, labels, 6, 5, 0, probs, loss),
              "label " + bad);
      assertTrue(e.getMessage().contains("4") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }

  /**
   * Many bad labels: forward and backward name the lowest bad row and its label, in the same words on every backend
   * (a GPU must not report whichever row got there first), and the next call with good labels succeeds.
   */
  @Test
  void softmaxCrossEntropyNamesTheLowestBadRow() {
    int rows = 1000;
    int cols = 5;
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = r < 123 ? r % cols : cols + r; // every row from 123 on is bad
    }
    Buffer labelBuffer = backend.allocate(DType.INT32, rows);
    backend.upload(labelBuffer, labels);
    Buffer logits = put(DType.FLOAT32, filled(rows * cols, 0));
    Buffer probs = poisoned(DType.FLOAT32, rows * cols);
    Buffer loss = poisoned(DType.FLOAT32, rows);
    IllegalArgumentException forward = assertThrows(IllegalArgumentException.class,
        () -> backend.softmaxCrossEntropy(logits, labelBuffer, rows, cols, 0, probs, loss));
    assertEquals("softmaxCrossEntropy: label 128 in row 123 is outside [0, 5)", forward.getMessage());
    Buffer dloss = put(DType.FLOAT32, filled(rows, 1));
    // Its own output: the CUDA kernels write the good rows (and NaN in the bad ones) before they report the error.
    Buffer dlogits = poisoned(DType.FLOAT32, rows * cols);
    IllegalArgumentException backward = assertThrows(IllegalArgumentException.class,
        () -> backend.softmaxCrossEntropyBackward(probs, labelBuffer, dloss, rows, cols, 0, dlogits));
    assertEquals("softmaxCrossEntropyBackward: label 128 in row 123 is outside [0, 5)", backward.getMessage());
    backend.upload(labelBuffer, new int[rows]);
    backend.softmaxCrossEntropy(logits, labelBuffer, rows, cols, 0, probs, loss);
    tolerance().assertClose(DType.FLOAT32, "loss after the error", filled(rows, Math.log(cols)), get(loss));
  }

  private void softmaxCase(DType dtype, int rows, int cols, double smoothing, double[] logits, int[] labels) {
    double[] probs = new double[rows * cols];
    double[] loss = new double[rows];
    double[] dloss = values(dtype, rows, 0.5, 2);
    double[] dlogits = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, logits[r * cols + c]);
      }
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += Math.exp(logits[r * cols + c] - max);
      }
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        double logP = logits[i] - max - Math.log(sum);
        double t = (c == labels[r] ? 1 - smoothing : 0) + smoothing / cols;
        probs[i] = Math.exp(logP);
        loss[r] -= t == 0 ? 0 : t * logP; // as PyTorch's nll_loss, which never reads log p off the target
        dlogits[i] = dloss[r] * (probs[i] - t);
      }
    }
    String what = "softmaxCrossEntropy " + rows + "x" + cols + " smoothing " + smoothing;
    Buffer labelBuffer = backend.allocate(DType.INT32, rows);
    backend.upload(labelBuffer, labels);
    Buffer p = poisoned(dtype, rows * cols);
    Buffer l = poisoned(dtype, rows);
    backend.softmaxCrossEntropy(put(dtype, logits), labelBuffer, rows, cols, smoothing, p, l);
    tolerance().assertClose(dtype, what + " probs", probs, get(p));
    tolerance().assertClose(dtype, what + " loss", loss, get(l));
    Buffer dz = poisoned(dtype, rows * cols);
    backend.softmaxCrossEntropyBackward(p, labelBuffer, put(dtype, dloss), rows, cols, smoothing, dz);
    tolerance().assertClose(dtype, what + " backward", dlogits, get(dz));
  }

  private int[] randomLabels(int rows, int cols) {
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = rng.nextInt(cols);
    }
    return labels;
  }

  // ---- optimizer steps ----

  private static final int STEPS = 3;

  @EachFloatType
  void sgdThreeStepsMatchTheEquations(DType dtype) {
    assumeSupported(dtype);
    // {momentum, dampening, weight decay, nesterov (0/1)}
    for (double[] h : new double[][] {{0, 0, 0.01, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0, 1}}) {
      double lr = 0.05;
      double momentum = h[0];
      boolean nesterov = h[3] != 0;
      for (int n : new int[] {7, 1023}) {
        double[] p = values(dtype, n, -1, 1);
        double[] vel = new double[n];
        Buffer pb = put(dtype, p);
        Buffer vb = momentum == 0 ? null : poisoned(dtype, n); // the first step must overwrite it
        for (int step = 1; step <= STEPS; step++) {
          double[] g = values(dtype, n, -1, 1);
          for (int i = 0; i < n; i++) {
            double gi = g[i] + h[2] * p[i];
            if (momentum != 0) {
              vel[i] = round(dtype, step == 1 ? gi : momentum * vel[i] + (1 - h[1]) * gi);
              gi = nesterov ? gi + momentum * vel[i] : vel[i];
            }
            p[i] = round(dtype, p[i] - lr * gi);
          }
          backend.sgdStep(pb, put(dtype, g), vb, lr, momentum, h[1], h[2], nesterov, step == 1);
          String what = "sgd " + Arrays.toString(h) + " n=" + n + " step " + step;
          tolerance().assertClose(dtype, what, p, get(pb));
        }
      }
    }
  }

  @EachFloatType
  void adamThreeStepsMatchTheEquations(DType dtype) {
    assumeSupported(dtype);
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.05;
    for (boolean decoupled : new boolean[] {false, true}) {
      int n = 1023;
      double[] p = values(dtype, n, -1, 1);
      double[] m = new double[n];
      double[] v = new double[n];
      Buffer pb = put(dtype, p);
      Buffer mb = put(dtype, m);
      Buffer vb = put(dtype, v);
      for (int step = 1; step <= STEPS; step++) {
        double[] g = values(dtype, n, -1, 1);
        for (int i = 0; i < n; i++) {
          double pi = decoupled ? p[i] * (1 - lr * wd) : p[i];
          double gi = decoupled ? g[i] : g[i] + wd * p[i];
          m[i] = round(dtype, b1 * m[i] + (1 - b1) * gi);
          v[i] = round(dtype, b2 * v[i] + (1 - b2) * gi * gi);
          double mHat = m[i] / (1 - Math.pow(b1, step));
          double vHat = v[i] / (1 - Math.pow(b2, step));
          p[i] = round(dtype, pi - lr * mHat / (Math.sqrt(vHat) + eps));
        }
        backend.adamStep(pb, put(dtype, g), mb, vb, lr, b1, b2, eps, wd, decoupled, step);
        String what = (decoupled ? "adamw" : "adam") + " step " + step;
        tolerance().assertClose(dtype, what + " param", p, get(pb));
        tolerance().assertClose(dtype, what + " m", m, get(mb));
        tolerance().assertClose(dtype, what + " v", v, get(vb));
      }
    }
  }

  // ---- random ----

  @EachFloatType
  void randomMatchesPhiloxAndIsReproducibleBySeedAndOffset(DType dtype) {
    assumeSupported(dtype);
    long offset = 5;
    for (Distribution dist : Distribution.values()) {
      double a = dist == Distribution.UNIFORM ? -2 : 0.5;
      double b = dist == Distribution.UNIFORM ? 3 : 2;
      for (int n : SIZES) {
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = round(dtype, Philox.sample(dist, a, b, SEED, offset + i));
        }
        Buffer out = poisoned(dtype, n);
        backend.random(dist, a, b, SEED, offset, out);
        assertArrayEquals(expected, get(out), dist + " n=" + n);
        if (n > 3) {
          Buffer shifted = poisoned(dtype, n - 3);
          backend.random(dist, a, b, SEED, offset + 3, shifted);
          assertArrayEquals(Arrays.copyOfRange(expected, 3, n), get(shifted), dist + " at offset + 3");
        }
      }
    }
  }

  // ---- helpers ----

  private void assumeSupported(DType dtype) {
    assumeTrue(backend.supports(dtype), backend.name() + " does not support " + dtype.label());
  }

  private static UnaryCase tableRow(UnaryOp op) {
    UnaryCase row = UnaryCases.of(op);
    assertNotNull(row, "UnaryCases has no row for " + op);
    return row;
  }

  /** n uniform values in [low, high), rounded to dtype so the reference sees exactly what the backend sees. */
  private double[] values(DType dtype, int n, double low, double high) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = low + (high - low) * rng.nextDouble();
    }
    return round(dtype, v);
  }

  /** Like {@link #values} with every value at least 1e-3 from each kink. */
  private double[] awayFromKinks(DType dtype, int n, double low, double high, double[] kinks) {
    double[] v = values(dtype, n, low, high);
    for (int i = 0; i < n; i++) {
      while (nearKink(v[i], kinks)) {
        v[i] = round(dtype, low + (high - low) * rng.nextDouble());
      }
    }
    return v;
  }

  private static boolean nearKink(double x, double[] kinks) {
    for (double k : kinks) {
      if (Math.abs(x - k) < 1e-3) {
        return true;
      }
    }
    return false;
  }

  private static double round(DType dtype, double v) {
    return dtype == DType.FLOAT32 ? (float) v : v;
  }

  private static double[] round(DType dtype, double[] v) {
    return map(v, x -> round(dtype, x));
  }

  private static double[] map(double[] v, DoubleUnaryOperator f) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = f.applyAsDouble(v[i]);
    }
    return out;
  }

  private static double[] filled(int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return v;
  }

  private Buffer put(DType dtype, double[] v) {
    Buffer b = backend.allocate(dtype, v.length);
    if (dtype == DType.FLOAT32) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      backend.upload(b, f);
    } else {
      backend.upload(b, v);
    }
    return b;
  }

  /** An output buffer full of NaN: an element the kernel forgets to write stays NaN and fails the comparison. */
  private Buffer poisoned(DType dtype, int n) {
    return put(dtype, filled(n, Double.NaN));
  }

  private double[] get(Buffer b) {
    double[] out = new double[(int) b.length()];
    if (b.dtype() == DType.FLOAT32) {
      float[] f = new float[out.length];
      backend.download(b, f);
      for (int i = 0; i < f.length; i++) {
        out[i] = f[i];
      }
    } else {
      backend.download(b, out);
    }
    return out;
  }
}
