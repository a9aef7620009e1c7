package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.BatchNormStatistics;
import io.jgrad.BinaryOp;
import io.jgrad.Buffer;
import io.jgrad.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.Distribution;
import io.jgrad.MemoryStats;
import io.jgrad.Pool2dGeometry;
import io.jgrad.ReduceOp;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import jcuda.driver.CUdeviceptr;

/**
 * {@link Backend} on one NVIDIA GPU, float32 (and int32 labels) only. Every call binds the context to the calling
 * thread, checks its arguments, and queues work on the context's one stream; only downloads (and the loss
 * kernels' label check) wait for the device. Kernels are the launchers' business; this class converts buffers
 * and routes calls.
 */
public final class CudaBackend implements Backend {
  private static final Logger LOG = System.getLogger(CudaBackend.class.getName());

  private final CudaContext context;
  private final CachingAllocator<CUdeviceptr> allocator = new CachingAllocator<>(new CudaDeviceMemory());
  private final PinnedStaging staging;
  private final Gemm gemm;
  private final UnaryKernels unary;
  private final BiasActivationKernels biasActivation;
  private final BinaryKernels binary;
  private final ReduceKernels reduce;
  private final SoftmaxCrossEntropyKernels softmaxCrossEntropy;
  private final OptimizerKernels optimizers;
  private final RandomKernels random;
  private final CudaConvolution convolution;
  private final PoolKernels pool;
  private final BatchNormKernels batchNorm;

  private CudaBackend(CudaContext context, boolean useCublas) {
    this.context = context;
    staging = new PinnedStaging(context.stream());
    gemm = useCublas && context.cublas() != null ? new CublasGemm(context.cublas()) : new TiledGemm(context, allocator);
    unary = new UnaryKernels(context);
    biasActivation = new BiasActivationKernels(context);
    binary = new BinaryKernels(context);
    reduce = new ReduceKernels(context, allocator);
    softmaxCrossEntropy = new SoftmaxCrossEntropyKernels(context);
    optimizers = new OptimizerKernels(context);
    random = new RandomKernels(context);
    convolution = new CudaConvolution(this, new ConvKernels(context), reduce, binary);
    pool = new PoolKernels(context);
    batchNorm = new BatchNormKernels(context);
    LOG.log(Level.INFO, "cuda backend on " + context.deviceName() + " (GEMM: " + gemm.name() + ")");
  }

  /** A backend on {@code options.device()}, cuBLAS using TF32 tensor cores only if {@code options.tf32()}. */
  public static CudaBackend open(BackendOptions options) {
    return open(options.device(), options.tf32(), true);
  }

  /** With useCublas false, GEMM runs on the tiled kernel even where cuBLAS loads, so tests can cover both. */
  static CudaBackend open(int device, boolean tf32, boolean useCublas) {
    return new CudaBackend(CudaContext.open(device, tf32), useCublas);
  }

  Gemm gemm() {
    return gemm;
  }

  /** For tests that drive a launcher directly. */
  CudaContext context() {
    return context;
  }

  CachingAllocator<CUdeviceptr> allocator() {
    return allocator;
  }

  /** "cublas" or "tiled": which GEMM this backend runs. */
  public String gemmName() {
    return gemm.name();
  }

  /** Gives every cached (freed) block back to the device. */
  public void emptyCache() {
    context.bind();
    allocator.emptyCache();
  }

  @Override
  public String name() {
    return "cuda";
  }

  /** FLOAT32 and INT32; the 16-bit float types wait for their kernels (see {@link #reducedUnsupported}). */
  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32 || dtype == DType.INT32;
  }

  // ---- memory ----

  @Override
  public Buffer allocate(DType dtype, long length) {
    if (dtype.isReduced()) {
      throw reducedUnsupported("allocate", dtype);
    }
    Check.that(supports(dtype), "allocate", "the cuda backend has no " + dtype.label());
    Check.nonNegative("allocate", "length", length);
    context.bind();
    return new CudaBuffer(this, dtype, length, allocator.allocate(length * dtype.bytes()));
  }

  @Override
  public void free(Buffer buffer) {
    context.bind();
    allocator.release(cuda(buffer).detach());
  }

  @Override
  public void upload(Buffer dst, float[] src) {
    CudaBuffer d = bound(dst);
    Check.floats("upload", "dst", d, src.length);
    staging.toDevice(d.pointer(), src.length, (s, from, count) -> s.asFloatBuffer().put(src, from, count));
  }

  /** Rounds to float32, the only floating type here. */
  @Override
  public void upload(Buffer dst, double[] src) {
    CudaBuffer d = bound(dst);
    Check.floats("upload", "dst", d, src.length);
    staging.toDevice(
        d.pointer(),
        src.length,
        (s, from, count) -> {
          FloatBuffer f = s.asFloatBuffer();
          for (int i = 0; i < count; i++) {
            f.put(i, (float) src[from + i]);
          }
        });
  }

  @Override
  public void upload(Buffer dst, int[] src) {
    CudaBuffer d = bound(dst);
    Check.typed("upload", "dst", d, DType.INT32, src.length);
    staging.toDevice(d.pointer(), src.length, (s, from, count) -> s.asIntBuffer().put(src, from, count));
  }

  @Override
  public void upload(Buffer dst, short[] src) {
    throw reducedUnsupported("upload", cuda(dst).dtype());
  }

  @Override
  public void download(Buffer src, short[] dst) {
    throw reducedUnsupported("download", cuda(src).dtype());
  }

  /** FLOAT32 only holds floats here, so there is nothing to convert yet: a cast is a copy. */
  @Override
  public void cast(Buffer src, Buffer dst) {
    CudaBuffer s = bound(src);
    CudaBuffer d = cuda(dst);
    Check.that(s.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32, "cast",
        "src " + s.dtype().label() + " → dst " + d.dtype().label() + ": only float32 lives on cuda");
    Check.that(s.length() == d.length(), "cast", "src has " + s.length() + " elements, dst " + d.length());
    copy(src, 0, dst, 0, s.length());
  }

  /** The one error for bfloat16 and float16 until their kernels are wired in. */
  private static UnsupportedOperationException reducedUnsupported(String kernel, DType dtype) {
    return new UnsupportedOperationException(
        kernel + ": " + dtype.label() + " is not yet supported on cuda (use --backend cpu, or --precision fp32)");
  }

  @Override
  public void download(Buffer src, float[] dst) {
    CudaBuffer s = bound(src);
    Check.floats("download", "src", s, dst.length);
    staging.toHost(s.pointer(), dst.length, (b, from, count) -> b.asFloatBuffer().get(dst, from, count));
  }

  /** Widens float32 exactly. */
  @Override
  public void download(Buffer src, double[] dst) {
    CudaBuffer s = bound(src);
    Check.floats("download", "src", s, dst.length);
    staging.toHost(
        s.pointer(),
        dst.length,
        (b, from, count) -> {
          FloatBuffer f = b.asFloatBuffer();
          for (int i = 0; i < count; i++) {
            dst[from + i] = f.get(i);
          }
        });
  }

  @Override
  public void download(Buffer src, int[] dst) {
    CudaBuffer s = bound(src);
    Check.typed("download", "src", s, DType.INT32, dst.length);
    staging.toHost(s.pointer(), dst.length, (b, from, count) -> b.asIntBuffer().get(dst, from, count));
  }

  @Override
  public void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long length) {
    CudaBuffer s = bound(src);
    CudaBuffer d = cuda(dst);
    Check.that(s.dtype() == d.dtype(), "copy", "dtypes differ: " + s.dtype().label() + " → " + d.dtype().label());
    Check.that(
        srcOffset >= 0 && dstOffset >= 0 && length >= 0
            && srcOffset + length <= s.length() && dstOffset + length <= d.length(),
        "copy",
        "range out of bounds");
    if (length > 0) {
      cuMemcpyDtoDAsync(d.at(dstOffset), s.at(srcOffset), length * s.dtype().bytes(), context.stream());
    }
  }

  /** A 32-bit memset: every CUDA element type is 4 bytes, so the value's bit pattern is all a fill needs. */
  @Override
  public void fill(Buffer dst, double value) {
    CudaBuffer d = bound(dst);
    int bits = d.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits((float) value);
    if (d.length() > 0) {
      cuMemsetD32Async(d.pointer(), bits, d.length(), context.stream());
    }
  }

  @Override
  public MemoryStats memoryStats() {
    return allocator.stats();
  }

  @Override
  public void resetPeak() {
    allocator.resetPeak();
  }

  // ---- GEMM ----

  @Override
  public void gemm(
      boolean transA, boolean transB, int batch, int m, int n, int k, double alpha, Buffer a, long strideA,
      Buffer b, long strideB, double beta, Buffer c, long strideC) {
    CudaBuffer ca = bound(a);
    CudaBuffer cb = cuda(b);
    CudaBuffer cc = cuda(c);
    Check.nonNegative("gemm", "batch", batch);
    Check.nonNegative("gemm", "m", m);
    Check.nonNegative("gemm", "n", n);
    Check.nonNegative("gemm", "k", k);
    checkBatched("A", ca, batch, strideA, (long) m * k);
    checkBatched("B", cb, batch, strideB, (long) k * n);
    checkBatched("C", cc, batch, strideC, (long) m * n);
    Check.that(strideC != 0 || batch <= 1, "gemm", "C's stride is 0 but batch is " + batch);
    if (batch == 0 || m == 0 || n == 0) {
      return;
    }
    gemm.run(
        transA, transB, batch, m, n, k, (float) alpha, ca.pointer(), strideA, cb.pointer(), strideB, (float) beta,
        cc.pointer(), strideC);
  }

  /** The last matrix, at (batch − 1)·stride, must end inside the buffer. */
  private static void checkBatched(String name, CudaBuffer x, int batch, long stride, long matrix) {
    Check.that(x.dtype() == DType.FLOAT32, "gemm", name + " must be float32");
    Check.nonNegative("gemm", "stride" + name, stride);
    long needed = batch == 0 ? 0 : (batch - 1) * stride + matrix;
    Check.that(
        needed <= x.length(), "gemm", name + " needs " + needed + " elements, has " + x.length());
  }

  // ---- element-wise ----

  @Override
  public void unary(UnaryOp op, double alpha, Buffer x, Buffer y) {
    unary.forward(op, alpha, bound(x), cuda(y));
  }

  @Override
  public void unaryBackward(UnaryOp op, double alpha, Buffer saved, Buffer dy, Buffer dx) {
    unary.backward(op, alpha, saved == null ? null : cuda(saved), bound(dy), cuda(dx));
  }

  @Override
  public void binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Buffer out, Shape outShape) {
    binary.run(op, bound(a), aShape, cuda(b), bShape, cuda(out), outShape);
  }

  @Override
  public void biasActivation(UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer y, int rows, int cols) {
    biasActivation.forward(act, alpha, bound(x), cuda(bias), cuda(y), rows, cols);
  }

  @Override
  public void biasActivationBackward(
      UnaryOp act, double alpha, Buffer y, Buffer dy, Buffer dx, Buffer dbias, int rows, int cols) {
    biasActivation.backward(act, alpha, bound(y), cuda(dy), cuda(dx), cuda(dbias), rows, cols);
  }

  // ---- convolutional networks: im2col + GEMM (CudaConvolution), pooling and batch-norm kernels ----

  @Override
  public void conv2d(Conv2dGeometry g, Buffer x, Buffer weight, Buffer bias, Buffer y) {
    convolution.forward(g, bound(x), cuda(weight), bias == null ? null : cuda(bias), cuda(y));
  }

  @Override
  public void conv2dBackwardInput(Conv2dGeometry g, Buffer dy, Buffer weight, Buffer dx) {
    convolution.backwardInput(g, bound(dy), cuda(weight), cuda(dx));
  }

  @Override
  public void conv2dBackwardWeight(Conv2dGeometry g, Buffer x, Buffer dy, Buffer dweight, Buffer dbias) {
    convolution.backwardWeight(g, bound(x), cuda(dy), cuda(dweight), dbias == null ? null : cuda(dbias));
  }

  @Override
  public void maxPool2d(Pool2dGeometry g, Buffer x, Buffer y, Buffer indices) {
    pool.maxForward(ConvGeometry.of(g), bound(x), cuda(y), cuda(indices));
  }

  @Override
  public void maxPool2dBackward(Pool2dGeometry g, Buffer indices, Buffer dy, Buffer dx) {
    pool.maxBackward(ConvGeometry.of(g), bound(dy), cuda(indices), cuda(dx));
  }

  @Override
  public void avgPool2d(Pool2dGeometry g, Buffer x, Buffer y) {
    pool.avgForward(ConvGeometry.of(g), PoolKernels.Divisor.WINDOW, bound(x), cuda(y));
  }

  @Override
  public void avgPool2dBackward(Pool2dGeometry g, Buffer dy, Buffer dx) {
    pool.avgBackward(ConvGeometry.of(g), PoolKernels.Divisor.WINDOW, bound(dy), cuda(dx));
  }

  @Override
  public void batchNormStatistics(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var,
      double momentum, Buffer runningMean, Buffer runningVar) {
    batchNorm.stats(bound(x), batch, channels, spatial, momentum, cuda(mean), cuda(var),
        runningMean == null ? null : cuda(runningMean), runningVar == null ? null : cuda(runningVar));
  }

  @Override
  public void batchNorm(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps,
      Buffer gamma, Buffer beta, Buffer y) {
    batchNorm.forward(bound(x), cuda(mean), cuda(var), eps, cuda(gamma), cuda(beta), cuda(y), batch, channels,
        spatial);
  }

  @Override
  public void batchNormBackward(BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial,
      Buffer mean, Buffer var, double eps, Buffer gamma, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
    batchNorm.backward(statistics, bound(x), cuda(dy), cuda(mean), cuda(var), eps, cuda(gamma), cuda(dx),
        cuda(dgamma), cuda(dbeta), batch, channels, spatial);
  }

  // ---- reductions, fused loss, optimizer steps, random ----

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int n, int inner, Buffer out) {
    reduce.run(op, bound(x), outer, n, inner, cuda(out));
  }

  @Override
  public void softmaxCrossEntropy(
      Buffer logits, Buffer labels, int rows, int cols, double smoothing, Buffer probs, Buffer loss) {
    softmaxCrossEntropy.forward(bound(logits), cuda(labels), rows, cols, smoothing, cuda(probs), cuda(loss));
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Buffer probs, Buffer labels, Buffer dloss, int rows, int cols, double smoothing, Buffer dlogits) {
    softmaxCrossEntropy.backward(bound(probs), cuda(labels), cuda(dloss), rows, cols, smoothing, cuda(dlogits));
  }

  @Override
  public void sgdStep(
      Buffer param, Buffer grad, Buffer velocity, double lr, double momentum, double dampening, double weightDecay,
      boolean nesterov, boolean firstStep) {
    optimizers.sgd(
        bound(param), cuda(grad), velocity == null ? null : cuda(velocity), lr, momentum, dampening, weightDecay,
        nesterov, firstStep);
  }

  @Override
  public void adamStep(
      Buffer param, Buffer grad, Buffer m, Buffer v, double lr, double beta1, double beta2, double eps,
      double weightDecay, boolean decoupled, long step) {
    optimizers.adam(bound(param), cuda(grad), cuda(m), cuda(v), lr, beta1, beta2, eps, weightDecay, decoupled, step);
  }

  @Override
  public void random(Distribution dist, double a, double b, long seed, long offset, Buffer out) {
    random.run(dist, a, b, seed, offset, bound(out));
  }

  @Override
  public void synchronize() {
    context.bind();
    context.synchronize();
  }

  @Override
  public void close() {
    context.bind();
    context.synchronize();
    allocator.releaseAll();
    softmaxCrossEntropy.close();
    staging.close();
    context.close();
  }

  /** {@link #cuda} after binding the context to this thread: the first buffer argument of every call. */
  private CudaBuffer bound(Buffer buffer) {
    context.bind();
    return cuda(buffer);
  }

  private CudaBuffer cuda(Buffer buffer) {
    if (!(buffer instanceof CudaBuffer c) || !c.ownedBy(this)) {
      throw new IllegalArgumentException("buffer belongs to another backend");
    }
    return c;
  }
}
