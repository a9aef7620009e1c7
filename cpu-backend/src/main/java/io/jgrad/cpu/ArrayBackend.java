package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.LeakDetection;
import io.jgrad.LeakDetector;
import io.jgrad.MemoryStats;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.GatherCheck;
import io.jgrad.spi.MaskCheck;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * What both CPU backends share: Java arrays from an {@link ArrayPool}, the memory kernels (upload, download, copy,
 * fill) and the argument checks, which name the kernel and the buffer at fault.
 */
abstract class ArrayBackend implements Backend {
  private final ArrayPool pool;
  private final LeakDetector leaks;
  private volatile boolean closed;

  ArrayBackend(ArrayPool pool, LeakDetection leakDetection) {
    this.pool = pool;
    this.leaks = LeakDetector.create(leakDetection, name());
  }

  @Override
  public final LeakDetector leakDetector() {
    return leaks;
  }

  final ArrayPool pool() {
    return pool;
  }

  @Override
  public final boolean supports(DType dtype) {
    return true;
  }

  @Override
  public final Buffer allocate(DType dtype, long length) {
    if (closed) {
      throw new IllegalStateException("allocate: backend " + name() + " is closed");
    }
    return pool.allocate(dtype, length);
  }

  @Override
  public final void free(Buffer buffer) {
    pool.release(owned("free", "buffer", buffer));
  }

  @Override
  public final Buffer wrap(float[] data) {
    return wrapped(DType.FLOAT32, data, data.length);
  }

  @Override
  public final Buffer wrap(int[] data) {
    return wrapped(DType.INT32, data, data.length);
  }

  private Buffer wrapped(DType dtype, Object data, int length) {
    if (closed) {
      throw new IllegalStateException("wrap: backend " + name() + " is closed");
    }
    return new CpuBuffer(pool, dtype, data, length, CpuBuffer.Origin.CALLER);
  }

  @Override
  public final void upload(Buffer dst, float[] src) {
    CpuBuffer d = floating("upload", "dst", dst);
    if (d.dtype() == DType.FLOAT32) {
      // Every training batch comes this way: one bulk copy rather than a dtype switch and a widening per element.
      sameLength("upload", d, src.length);
      System.arraycopy(src, 0, d.floats(), 0, src.length);
      return;
    }
    uploadEach(dst, src.length, i -> src[i]);
  }

  @Override
  public final void upload(Buffer dst, double[] src) {
    uploadEach(dst, src.length, i -> src[i]);
  }

  /** Float and double arrays go into either floating dtype, rounded to it. */
  private void uploadEach(Buffer dst, int length, IntToDoubleFunction src) {
    CpuBuffer d = floating("upload", "dst", dst);
    sameLength("upload", d, length);
    for (int i = 0; i < length; i++) {
      d.set(i, src.applyAsDouble(i));
    }
  }

  @Override
  public final void upload(Buffer dst, int[] src) {
    CpuBuffer d = ofType("upload", "dst", dst, DType.INT32);
    sameLength("upload", d, src.length);
    System.arraycopy(src, 0, d.ints(), 0, src.length);
  }

  @Override
  public final void upload(Buffer dst, short[] src) {
    CpuBuffer d = reduced("upload", "dst", dst);
    sameLength("upload", d, src.length);
    System.arraycopy(src, 0, d.shorts(), 0, src.length);
  }

  @Override
  public final void download(Buffer src, short[] dst) {
    CpuBuffer s = reduced("download", "src", src);
    sameLength("download", s, dst.length);
    System.arraycopy(s.shorts(), 0, dst, 0, dst.length);
  }

  /**
   * Every pair through {@link CpuBuffer#set}, which rounds exactly as {@link ReducedFloats#toBits} does; an INT32
   * source is read exactly (as a double) and rounded once to float32 on the way to 16 bits.
   */
  @Override
  public void cast(Buffer src, Buffer dst) {
    CpuBuffer s = owned("cast", "src", src);
    if (!s.dtype().isFloating() && s.dtype() != DType.INT32) {
      throw new IllegalArgumentException("cast: src must be a floating type or int32, got " + s.dtype().label());
    }
    CpuBuffer d = floating("cast", "dst", dst);
    if (s.length() != d.length()) {
      throw new IllegalArgumentException("cast: src has " + s.length() + " elements but dst has " + d.length());
    }
    for (int i = 0; i < s.size(); i++) {
      d.set(i, s.get(i));
    }
  }

  @Override
  public final void download(Buffer src, float[] dst) {
    CpuBuffer s = floating("download", "src", src);
    sameLength("download", s, dst.length);
    for (int i = 0; i < dst.length; i++) {
      dst[i] = (float) s.get(i);
    }
  }

  @Override
  public final void download(Buffer src, double[] dst) {
    CpuBuffer s = floating("download", "src", src);
    sameLength("download", s, dst.length);
    for (int i = 0; i < dst.length; i++) {
      dst[i] = s.get(i);
    }
  }

  @Override
  public final void download(Buffer src, int[] dst) {
    CpuBuffer s = ofType("download", "src", src, DType.INT32);
    sameLength("download", s, dst.length);
    System.arraycopy(s.ints(), 0, dst, 0, dst.length);
  }

  @Override
  public final void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long length) {
    CpuBuffer s = owned("copy", "src", src);
    CpuBuffer d = owned("copy", "dst", dst);
    if (s.dtype() != d.dtype()) {
      throw new IllegalArgumentException("copy: src is " + s.dtype().label() + " but dst is " + d.dtype().label());
    }
    if (length < 0 || srcOffset < 0 || dstOffset < 0 || srcOffset + length > s.length() || dstOffset
        + length > d.length()) {
      throw new IllegalArgumentException(
          "copy: range [" + srcOffset + ", +" + length + ") of " + s + " to [" + dstOffset + ", +" + length + ") of "
              + d
              + " is out of bounds");
    }
    System.arraycopy(s.array(), (int) srcOffset, d.array(), (int) dstOffset, (int) length);
  }

  /** Array copies: the dataset and the batch are host arrays already. Every index is checked before dst changes. */
  @Override
  public final void gather(Buffer src, long rowLength, Buffer indices, long from, int count, Buffer dst) {
    GatherCheck.arguments(src, rowLength, indices, from, count, dst);
    CpuBuffer s = owned("gather", "src", src);
    CpuBuffer d = owned("gather", "dst", dst);
    int[] rows = ofType("gather", "indices", indices, DType.INT32).ints();
    long srcRows = s.length() / rowLength;
    for (int r = 0; r < count; r++) {
      GatherCheck.index(rows[(int) from + r], srcRows, from + r);
    }
    gatherRows(s.array(), rows, (int) from, count, (int) rowLength, d.array());
  }

  /** dst's row r = src's row rows[from + r], n elements each, for r &lt; count; the indices are valid. */
  void gatherRows(Object src, int[] rows, int from, int count, int n, Object dst) {
    for (int r = 0; r < count; r++) {
      System.arraycopy(src, rows[from + r] * n, dst, r * n, n);
    }
  }

  @Override
  public final void fill(Buffer dst, double value) {
    CpuBuffer d = owned("fill", "dst", dst);
    // Arrays.fill is a vectorized intrinsic; a set(i) per element (a dtype switch each) was 3.5% of a training step
    // when every step zeroed every gradient (before zeroGrad became lazy).
    switch (d.dtype()) {
      case FLOAT32:
        Arrays.fill(d.floats(), 0, d.size(), (float) value);
        break;
      case FLOAT64:
        Arrays.fill(d.doubles(), 0, d.size(), value);
        break;
      case BFLOAT16:
      case FLOAT16:
        Arrays.fill(d.shorts(), 0, d.size(), ReducedFloats.toBits(d.dtype(), value));
        break;
      default:
        Arrays.fill(d.ints(), 0, d.size(), (int) value);
    }
  }

  @Override
  public final MemoryStats memoryStats() {
    return pool.stats();
  }

  @Override
  public final void resetPeak() {
    pool.resetPeak();
  }

  @Override
  public void close() {
    closed = true;
    pool.clear();
  }

  /** One pass over each buffer (the default runs a product and a sum per buffer). */
  @Override
  public final void sumsOfSquares(List<Buffer> xs, Buffer out) {
    CpuBuffer o = floating("sumsOfSquares", "out", out);
    if (o.length() < xs.size()) {
      throw new IllegalArgumentException("sumsOfSquares: out holds " + o.length() + " elements for " + xs.size());
    }
    for (int i = 0; i < xs.size(); i++) {
      o.set(i, sumOfSquares(floating("sumsOfSquares", "xs[" + i + "]", xs.get(i))));
    }
  }

  /** Σ x², in double. */
  double sumOfSquares(CpuBuffer x) {
    double sum = 0;
    if (x.dtype() == DType.FLOAT32) {
      float[] v = x.floats();
      for (int i = 0, n = x.size(); i < n; i++) {
        sum += (double) v[i] * v[i];
      }
      return sum;
    }
    for (int i = 0, n = x.size(); i < n; i++) {
      double v = x.get(i);
      sum += v * v;
    }
    return sum;
  }

  // ---- argument checks: each names the kernel and the argument ----

  /** The buffer as this backend's own, live CpuBuffer. */
  final CpuBuffer owned(String kernel, String name, Buffer buffer) {
    if (buffer == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " is null");
    }
    if (!(buffer instanceof CpuBuffer) || ((CpuBuffer) buffer).owner() != pool) {
      throw new IllegalArgumentException(kernel + ": " + name + " " + buffer + " belongs to another backend");
    }
    CpuBuffer b = (CpuBuffer) buffer;
    if (b.isFreed()) {
      throw new IllegalArgumentException(kernel + ": " + name + " " + b + " was already freed");
    }
    return b;
  }

  final CpuBuffer floating(String kernel, String name, Buffer buffer) {
    CpuBuffer b = owned(kernel, name, buffer);
    if (!b.dtype().isFloating()) {
      throw new IllegalArgumentException(kernel + ": " + name + " must be a floating type, got "
          + b.dtype().label());
    }
    return b;
  }

  final CpuBuffer reduced(String kernel, String name, Buffer buffer) {
    CpuBuffer b = owned(kernel, name, buffer);
    if (!b.dtype().isReduced()) {
      throw new IllegalArgumentException(kernel + ": " + name + " must be bfloat16 or float16, got "
          + b.dtype().label());
    }
    return b;
  }

  final CpuBuffer ofType(String kernel, String name, Buffer buffer, DType dtype) {
    CpuBuffer b = owned(kernel, name, buffer);
    if (b.dtype() != dtype) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " must be " + dtype.label() + ", got " + b.dtype().label());
    }
    return b;
  }

  /** A floating buffer of {@code like}'s dtype holding exactly {@code length} elements. */
  final CpuBuffer matching(String kernel, String name, Buffer buffer, CpuBuffer like, long length) {
    CpuBuffer b = ofType(kernel, name, buffer, like.dtype());
    if (b.length() != length) {
      throw new IllegalArgumentException(kernel + ": " + name + " has " + b.length() + " elements, expected " + length);
    }
    return b;
  }

  /**
   * An optimizer step's {@code paramCopy} (see Backend#sgdStep), checked: null, or a BFLOAT16/FLOAT16 buffer of the
   * FLOAT32 param's length.
   */
  final CpuBuffer paramCopy(String kernel, Buffer paramCopy, CpuBuffer param) {
    if (paramCopy == null) {
      return null;
    }
    CpuBuffer c = reduced(kernel, "paramCopy", paramCopy);
    if (param.dtype() != DType.FLOAT32 || c.length() != param.length()) {
      throw new IllegalArgumentException(kernel + ": paramCopy " + c + " is not a 16-bit copy of param " + param
          + " (a float32 master of the same length)");
    }
    return c;
  }

  /** biasActivation's buffers, checked: x and y hold R×C elements and bias C, all of one floating dtype. */
  record BiasForwardBuffers(CpuBuffer x, CpuBuffer bias, CpuBuffer y) {}

  final BiasForwardBuffers biasForwardBuffers(UnaryOp act, Buffer x, Buffer bias, Buffer y, int rows, int cols) {
    String kernel = "biasActivation";
    fusableActivation(kernel, act);
    CpuBuffer cx = floating(kernel, "x", x);
    long size = (long) rows * cols;
    matching(kernel, "x", x, cx, size);
    return new BiasForwardBuffers(cx, matching(kernel, "bias", bias, cx, cols), matching(kernel, "y", y, cx, size));
  }

  /** biasActivationBackward's buffers, checked: y, dy, dx hold R×C elements and dbias C, all of one floating dtype. */
  record BiasBackwardBuffers(CpuBuffer y, CpuBuffer dy, CpuBuffer dx, CpuBuffer dbias) {}

  final BiasBackwardBuffers biasBackwardBuffers(
      UnaryOp act, Buffer y, Buffer dy, Buffer dx, Buffer dbias, int rows, int cols) {
    String kernel = "biasActivationBackward";
    fusableActivation(kernel, act);
    CpuBuffer cy = floating(kernel, "y", y);
    long size = (long) rows * cols;
    matching(kernel, "y", y, cy, size);
    return new BiasBackwardBuffers(cy, matching(kernel, "dy", dy, cy, size), matching(kernel, "dx", dx, cy, size),
        matching(kernel, "dbias", dbias, cy, cols));
  }

  /**
   * The dropout mask of biasActivationMasked or its backward, checked: R×C elements of {@code like}'s dtype, and an
   * activation whose derivative the masked output's sign gives.
   */
  final CpuBuffer maskBuffer(String kernel, UnaryOp act, Buffer mask, CpuBuffer like, int rows, int cols) {
    MaskCheck.activation(kernel, act);
    return matching(kernel, "mask", mask, like, (long) rows * cols);
  }

  /** The fused epilogue's backward sees only the output, so activations that need their input cannot fuse. */
  private static void fusableActivation(String kernel, UnaryOp act) {
    if (act.saves() == UnaryOp.Saves.INPUT || act == UnaryOp.DROPOUT_MASK) {
      throw new IllegalArgumentException(kernel + ": " + act + " cannot be fused (its backward needs the input)");
    }
  }

  static void sameLength(String kernel, CpuBuffer buffer, int arrayLength) {
    if (buffer.length() != arrayLength) {
      throw new IllegalArgumentException(
          kernel + ": buffer has " + buffer.length() + " elements but the array has " + arrayLength);
    }
  }

  /** Checks that {@code shape} describes {@code buffer} and broadcasts to {@code out}. */
  static void broadcastable(String kernel, String name, CpuBuffer buffer, Shape shape, Shape out) {
    if (shape.size() != buffer.length()) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " shape " + shape + " has " + shape.size() + " elements, buffer " + buffer.length());
    }
    if (!Shape.broadcast(kernel, shape, out).equals(out)) {
      throw new IllegalArgumentException(kernel + ": " + name + " shape " + shape + " does not broadcast to " + out);
    }
  }

  /** Checks that a batch of matrices of {@code rows·cols} elements, {@code stride} apart, fits in the buffer. */
  static void fitsBatch(String kernel, String name, CpuBuffer buffer, int batch, long stride, long rows, long cols) {
    if (stride < 0) {
      throw new IllegalArgumentException(kernel + ": negative stride " + stride + " for " + name);
    }
    long needed = batch == 0 ? 0 : (batch - 1) * stride + rows * cols;
    if (needed > buffer.length()) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " needs " + needed + " elements (" + batch + " x " + rows + "x" + cols + ", stride "
              + stride + ") but has " + buffer.length());
    }
  }
}
