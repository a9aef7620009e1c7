package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import io.jgrad.DType;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Launchers of softmax_cross_entropy.cu. Shapes: logits, probs, dlogits [R, C]; labels (int32), loss, dloss [R].
 *
 * <p>A kernel that meets a label outside [0, C) lowers a device-side error word to the row (atomicMin: the lowest
 * bad row, as the CPU backends report it, whichever block runs first). The launcher reads the word back after every
 * launch (a 4-byte copy that waits for the kernel: the one synchronisation per training step, where the loss is
 * read anyway) and throws naming the row and its label, in the CPU backends' words, then resets the word; under
 * {@link io.jgrad.Backend#deferChecks} it queues the read and reports at the backend's next read-back instead.
 */
final class SoftmaxCrossEntropyKernels implements AutoCloseable {
  private final CudaContext context;
  private final Kernel forward;
  private final Kernel backward;
  /** The error word's value while every label is good: softmax_cross_entropy.cu's NO_BAD_ROW. */
  static final int NO_BAD_ROW = Integer.MAX_VALUE;

  private final CUdeviceptr error = new CUdeviceptr();
  /** Pinned: [0] the error word, [1] the offending label. */
  private final Pointer readback = new Pointer();
  /**
   * Open {@link io.jgrad.Backend#deferChecks} scopes: while any is, launches leave the check to {@link #checkDeferred}
   * (an evaluation's scope inside a fit's).
   */
  private int deferredScopes;
  /** The kernel and class count of the last deferred launch, or null when none is waiting to be checked. */
  private String pendingKernel;
  private int pendingCols;

  SoftmaxCrossEntropyKernels(CudaContext context) {
    this.context = context;
    forward = context.kernel(PtxModule.SOFTMAX_CROSS_ENTROPY, "softmax_cross_entropy_forward");
    backward = context.kernel(PtxModule.SOFTMAX_CROSS_ENTROPY, "softmax_cross_entropy_backward");
    cuMemAlloc(error, 4);
    cuMemsetD32Async(error, NO_BAD_ROW, 1, context.stream());
    cuMemAllocHost(readback, 8);
  }

  void forward(
      CudaBuffer logits, CudaBuffer labels, int rows, int cols, double smoothing, CudaBuffer probs, CudaBuffer loss) {
    String kernel = "softmaxCrossEntropy";
    checkShapes(kernel, labels, rows, cols, smoothing);
    Check.floats(kernel, "logits", logits, (long) rows * cols);
    Check.floats(kernel, "probs", probs, (long) rows * cols);
    Check.floats(kernel, "loss", loss, rows);
    forward.args().ptr(logits.pointer()).ptr(labels.pointer()).i32(rows).i32(cols).f32(smoothing).ptr(probs.pointer())
        .ptr(loss.pointer()).ptr(error).launch(Grid.blockPerItem(rows, cols));
    throwOnBadLabel(kernel, labels, cols);
  }

  void backward(
      CudaBuffer probs, CudaBuffer labels, CudaBuffer dloss, int rows, int cols, double smoothing,
      CudaBuffer dlogits) {
    String kernel = "softmaxCrossEntropyBackward";
    checkShapes(kernel, labels, rows, cols, smoothing);
    Check.floats(kernel, "probs", probs, (long) rows * cols);
    Check.floats(kernel, "dloss", dloss, rows);
    Check.floats(kernel, "dlogits", dlogits, (long) rows * cols);
    backward.args().ptr(probs.pointer()).ptr(labels.pointer()).ptr(dloss.pointer()).i32(rows).i32(cols).f32(smoothing)
        .ptr(dlogits.pointer()).ptr(error).launch(Grid.elementwise((long) rows * cols));
    throwOnBadLabel(kernel, labels, cols);
  }

  private static void checkShapes(String kernel, CudaBuffer labels, int rows, int cols, double smoothing) {
    Check.nonNegative(kernel, "rows", rows);
    Check.that(cols > 0, kernel, "cols must be positive, got " + cols);
    Check.that(smoothing >= 0 && smoothing <= 1, kernel, "smoothing must be in [0, 1], got " + smoothing);
    Check.typed(kernel, "labels", labels, DType.INT32, rows);
  }

  /**
   * A deferred-check scope opens. Deferred, a launch queues a copy of the error word into pinned memory and returns;
   * the word only ever falls (atomicMin) until reported, so the copy queued last holds every launch's verdict, and
   * {@link #checkDeferred} reads it once the stream has been synchronised.
   */
  void openDeferredScope() {
    deferredScopes++;
  }

  /** A scope {@link #openDeferredScope} opened closes: the outermost checks what is pending, an inner one leaves it. */
  void closeDeferredScope() {
    if (--deferredScopes == 0) {
      context.synchronize();
      checkDeferred();
    }
  }

  /** A deferred check waiting for its read-back: the launching kernel's name and class count. */
  record Pending(String kernel, int cols) {}

  /** The deferred check launches queued since the last read-back, or null; it is no longer waiting afterwards. */
  Pending takePending() {
    Pending p = pendingKernel == null ? null : new Pending(pendingKernel, pendingCols);
    pendingKernel = null;
    return p;
  }

  /** Makes {@code check} (null: none) wait for the next read-back, as the launch that queued it did. */
  void arm(Pending check) {
    if (check != null && pendingKernel == null) {
      pendingKernel = check.kernel();
      pendingCols = check.cols();
    }
  }

  /**
   * After the stream was synchronised (a download, synchronize): throws for a bad label a deferred launch found, in
   * the immediate check's words less the label (its buffer may be gone by now), and resets the word.
   */
  void checkDeferred() {
    if (pendingKernel == null) {
      return;
    }
    String kernel = pendingKernel;
    pendingKernel = null;
    int row = readback.getByteBuffer(0, 8).order(ByteOrder.nativeOrder()).asIntBuffer().get(0);
    if (row == NO_BAD_ROW) {
      return;
    }
    cuMemsetD32Async(error, NO_BAD_ROW, 1, context.stream());
    throw new IllegalArgumentException(kernel + ": the label in row " + row + " is outside [0, " + pendingCols
        + ") (found by a launch before this read-back)");
  }

  private void throwOnBadLabel(String kernel, CudaBuffer labels, int cols) {
    if (deferredScopes > 0) {
      cuMemcpyDtoHAsync(readback, error, 4, context.stream());
      if (pendingKernel == null) {
        pendingKernel = kernel;
        pendingCols = cols;
      }
      return;
    }
    IntBuffer words = readback.getByteBuffer(0, 8).order(ByteOrder.nativeOrder()).asIntBuffer();
    cuMemcpyDtoHAsync(readback, error, 4, context.stream());
    context.synchronize();
    int row = words.get(0);
    if (row == NO_BAD_ROW) {
      return;
    }
    cuMemsetD32Async(error, NO_BAD_ROW, 1, context.stream());
    cuMemcpyDtoHAsync(readback.withByteOffset(4), labels.at(row), 4, context.stream());
    context.synchronize();
    throw new IllegalArgumentException(
        kernel + ": label " + words.get(1) + " in row " + row + " is outside [0, " + cols + ")");
  }

  @Override
  public void close() {
    cuMemFree(error);
    cuMemFreeHost(readback);
  }
}
