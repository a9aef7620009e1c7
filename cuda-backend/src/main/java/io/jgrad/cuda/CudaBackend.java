package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD16Async;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.LeakDetection;
import io.jgrad.LeakDetector;
import io.jgrad.MemoryCapacity;
import io.jgrad.MemoryStats;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GatherCheck;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.spi.ReduceOp;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.spi.StepGraph;
import io.jgrad.spi.StepGuard;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * {@link Backend} on one NVIDIA GPU: float32, int32 labels, and the 16-bit bfloat16 (from sm_80) and float16 for
 * mixed precision (tensor-core GEMM, 16-bit element-wise kernels). Every call binds the context to the calling
 * thread, checks its arguments, and queues work on the context's one stream; only downloads (and the loss
 * kernels' label check) wait for the device. Kernels are the launchers' business; this class converts buffers
 * and routes calls.
 */
public final class CudaBackend implements Backend {
  private static final Logger LOG = System.getLogger(CudaBackend.class.getName());

  /**
   * Set to "false" to run {@link #sumsOfSquares}, {@link #stepGuard}, {@link #sgdSteps} and {@link #adamSteps} as the
   * {@link Backend} defaults do (per-tensor kernels and read-backs) instead of training_step.cu's kernels: the
   * fallback should those misbehave on some device.
   */
  public static final String TRAINING_STEP_PROPERTY = "jgrad.cuda.trainingStepKernels";

  private final CudaContext context;
  private final CachingAllocator<CUdeviceptr> allocator = new CachingAllocator<>(new CudaDeviceMemory());
  private final PinnedStaging staging;
  private final Gemm gemm;
  private final Gemm16 gemm16;
  private final Kernel cast;
  private final Kernel castInt32;
  private final Kernel gatherRows32;
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
  /** training_step.cu's multi-tensor launchers, or null where switched off ({@link #TRAINING_STEP_PROPERTY}). */
  private final TrainingStepKernels trainingStep;
  /** The step being recorded, or null: the launchers it changes read their per-step values from its slots. */
  private CudaStepGraph recording;
  /** Set once, by {@link #watchLeaks}, before the backend is handed out. */
  private LeakDetector leaks = LeakDetector.OFF;

  private CudaBackend(CudaContext context, boolean useCublas) {
    this.context = context;
    staging = new PinnedStaging(context.stream());
    gemm = useCublas && context.cublas() != null ? new CublasGemm(context.cublas()) : new TiledGemm(context, allocator);
    gemm16 = useCublas && context.cublas() != null
        ? new CublasGemm16(context.cublas())
        : new TensorGemm(context, allocator);
    cast = context.kernel(PtxModule.CAST, "cast");
    castInt32 = context.kernel(PtxModule.CAST, "cast_int32");
    gatherRows32 = context.kernel(PtxModule.GATHER, "gather_rows32");
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
    boolean multiTensor = !"false".equals(System.getProperty(TRAINING_STEP_PROPERTY));
    trainingStep = multiTensor ? new TrainingStepKernels(context, allocator) : null;
    LOG.log(Level.INFO, "cuda backend on " + context.deviceName() + " (GEMM: " + gemm.name() + "; 16-bit GEMM: "
        + (gemm16 instanceof CublasGemm16 ? "cublasGemmEx" : "jgrad's mma.sync kernels") + ")");
  }

  /** A backend on {@code options.device()}, cuBLAS using TF32 tensor cores only if {@code options.tf32()}. */
  public static CudaBackend open(BackendOptions options) {
    return open(options.device(), options.tf32(), true).watchLeaks(options.leakDetection());
  }

  /** Watches this backend's tensors for ones never closed (device memory lost until close), at {@code level}. */
  CudaBackend watchLeaks(LeakDetection level) {
    this.leaks = LeakDetector.create(level, name());
    return this;
  }

  @Override
  public LeakDetector leakDetector() {
    return leaks;
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

  /** FLOAT32, INT32 and FLOAT16 everywhere; BFLOAT16 from compute capability 8.0 (its tensor-core GEMM needs it). */
  @Override
  public boolean supports(DType dtype) {
    switch (dtype) {
      case FLOAT32:
      case INT32:
      case FLOAT16:
        return true;
      case BFLOAT16:
        return context.computeCapability() >= 80;
      default:
        return false;
    }
  }

  // ---- memory ----

  @Override
  public Buffer allocate(DType dtype, long length) {
    if (dtype == DType.BFLOAT16 && !supports(dtype)) {
      throw new UnsupportedOperationException("allocate: bfloat16 needs a GPU of compute capability 8.0 (Ampere) or"
          + " newer; " + context.deviceName() + " is " + context.computeCapability() / 10 + "."
          + context.computeCapability() % 10 + ": use float16 (--precision fp16) or float32");
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

  /** Into a 16-bit buffer, rounded on the host as ReducedFloats does. */
  @Override
  public void upload(Buffer dst, float[] src) {
    CudaBuffer d = bound(dst);
    if (d.dtype().isReduced()) {
      Check.typed("upload", "dst", d, d.dtype(), src.length);
      transfers("upload").toDevice(d.pointer(), src.length, 2, (s, from, count) -> {
        ShortBuffer h = s.asShortBuffer();
        for (int i = 0; i < count; i++) {
          h.put(i, ReducedFloats.toBits(d.dtype(), src[from + i]));
        }
      });
      return;
    }
    Check.floats("upload", "dst", d, src.length);
    transfers("upload").toDevice(d.pointer(), src.length, (s, from, count) -> s.asFloatBuffer().put(src, from, count));
  }

  /** Rounds to float32 (to 16 bits through float32, as ReducedFloats, for a 16-bit buffer). */
  @Override
  public void upload(Buffer dst, double[] src) {
    CudaBuffer d = bound(dst);
    if (d.dtype().isReduced()) {
      float[] rounded = new float[src.length];
      for (int i = 0; i < src.length; i++) {
        rounded[i] = (float) src[i];
      }
      upload(dst, rounded);
      return;
    }
    Check.floats("upload", "dst", d, src.length);
    transfers("upload").toDevice(
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
    transfers("upload").toDevice(d.pointer(), src.length, (s, from, count) -> s.asIntBuffer().put(src, from, count));
  }

  @Override
  public void upload(Buffer dst, short[] src) {
    CudaBuffer d = bound(dst);
    Check.that(d.dtype().isReduced(), "upload", "16-bit patterns need a bfloat16 or float16 dst, got "
        + d.dtype().label());
    Check.typed("upload", "dst", d, d.dtype(), src.length);
    transfers("upload").toDevice(d.pointer(), src.length, 2,
        (s, from, count) -> s.asShortBuffer().put(src, from, count));
  }

  @Override
  public void download(Buffer src, short[] dst) {
    CudaBuffer s = bound(src);
    Check.that(s.dtype().isReduced(), "download", "16-bit patterns need a bfloat16 or float16 src, got "
        + s.dtype().label());
    Check.typed("download", "src", s, s.dtype(), dst.length);
    transfers("download").toHost(s.pointer(), dst.length, 2,
        (b, from, count) -> b.asShortBuffer().get(dst, from, count));
    softmaxCrossEntropy.checkDeferred();
  }

  /** cast.cu between float32, bfloat16 and float16, and from int32 labels; equal dtypes copy. */
  @Override
  public void cast(Buffer src, Buffer dst) {
    CudaBuffer s = bound(src);
    CudaBuffer d = cuda(dst);
    Check.that(s.length() == d.length(), "cast", "src has " + s.length() + " elements, dst " + d.length());
    Storage to = Storage.of("cast", "dst", d.dtype());
    if (s.dtype() == DType.INT32) {
      castInt32.args().ptr(s.pointer()).i32(to.ordinal()).ptr(d.pointer()).i64(s.length())
          .launch(Grid.elementwise(s.length()));
      return;
    }
    Storage from = Storage.of("cast", "src", s.dtype());
    if (from == to) {
      copy(src, 0, dst, 0, s.length());
      return;
    }
    cast.args().i32(from.ordinal()).ptr(s.pointer()).i32(to.ordinal()).ptr(d.pointer()).i64(s.length())
        .launch(Grid.elementwise(s.length()));
  }

  /** From a 16-bit buffer, widened exactly. */
  @Override
  public void download(Buffer src, float[] dst) {
    CudaBuffer s = bound(src);
    if (s.dtype().isReduced()) {
      short[] bits = new short[dst.length];
      download(src, bits);
      for (int i = 0; i < dst.length; i++) {
        dst[i] = ReducedFloats.fromBits(s.dtype(), bits[i]);
      }
      return;
    }
    Check.floats("download", "src", s, dst.length);
    transfers("download").toHost(s.pointer(), dst.length, (b, from, count) -> b.asFloatBuffer().get(dst, from, count));
    softmaxCrossEntropy.checkDeferred();
  }

  /** Widens float32 (or 16 bits) exactly. */
  @Override
  public void download(Buffer src, double[] dst) {
    CudaBuffer s = bound(src);
    if (s.dtype().isReduced()) {
      float[] wide = new float[dst.length];
      download(src, wide);
      for (int i = 0; i < dst.length; i++) {
        dst[i] = wide[i];
      }
      return;
    }
    Check.floats("download", "src", s, dst.length);
    transfers("download").toHost(
        s.pointer(),
        dst.length,
        (b, from, count) -> {
          FloatBuffer f = b.asFloatBuffer();
          for (int i = 0; i < count; i++) {
            dst[from + i] = f.get(i);
          }
        });
    softmaxCrossEntropy.checkDeferred();
  }

  @Override
  public void download(Buffer src, int[] dst) {
    CudaBuffer s = bound(src);
    Check.typed("download", "src", s, DType.INT32, dst.length);
    transfers("download").toHost(s.pointer(), dst.length, (b, from, count) -> b.asIntBuffer().get(dst, from, count));
    softmaxCrossEntropy.checkDeferred();
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

  /**
   * gather.cu for 32-bit rows (float32 features, int32 labels): one launch reads the indices on the device, so
   * nothing waits for the host. Other dtypes take the default, which reads the indices back.
   */
  @Override
  public void gather(Buffer src, long rowLength, Buffer indices, long from, int count, Buffer dst) {
    GatherCheck.arguments(src, rowLength, indices, from, count, dst);
    CudaBuffer s = bound(src);
    if (s.dtype().bytes() != 4) {
      Backend.super.gather(src, rowLength, indices, from, count, dst);
      return;
    }
    CudaBuffer i = cuda(indices);
    CudaBuffer d = cuda(dst);
    long words = count * rowLength;
    if (words == 0) {
      return;
    }
    gatherRows32.args().ptr(s.pointer()).i64(rowLength).ptr(i.pointer()).i64(from).i64(count).ptr(d.pointer())
        .launch(Grid.elementwise(words));
  }

  /** A memset of the value's bit pattern: 32-bit for float32 and int32, 16-bit for bfloat16 and float16. */
  @Override
  public void fill(Buffer dst, double value) {
    CudaBuffer d = bound(dst);
    if (d.length() == 0) {
      return;
    }
    if (d.dtype().isReduced()) {
      cuMemsetD16Async(d.pointer(), ReducedFloats.toBits(d.dtype(), value), d.length(), context.stream());
      return;
    }
    int bits = d.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits((float) value);
    cuMemsetD32Async(d.pointer(), bits, d.length(), context.stream());
  }

  @Override
  public MemoryStats memoryStats() {
    return allocator.stats();
  }

  /**
   * The device's free memory plus the blocks this backend's pool keeps for reuse: the driver counts those as used,
   * but a new tensor takes them before asking the driver for more.
   */
  @Override
  public MemoryCapacity memoryCapacity() {
    MemoryCapacity device = context.memoryCapacity();
    long free = Math.min(device.totalBytes(), device.freeBytes() + allocator.stats().cachedBytes());
    return new MemoryCapacity(MemoryCapacity.Where.DEVICE, free, device.totalBytes());
  }

  @Override
  public void resetPeak() {
    allocator.resetPeak();
  }

  // ---- GEMM ----

  @Override
  public void gemm(GemmArgs g) {
    int batch = g.batch();
    int m = g.m();
    int n = g.n();
    int k = g.k();
    CudaBuffer ca = bound(g.a());
    CudaBuffer cb = cuda(g.b());
    CudaBuffer cc = cuda(g.c());
    Check.nonNegative("gemm", "batch", batch);
    Check.nonNegative("gemm", "m", m);
    Check.nonNegative("gemm", "n", n);
    Check.nonNegative("gemm", "k", k);
    checkBatched("A", ca, batch, g.strideA(), (long) m * k);
    checkBatched("B", cb, batch, g.strideB(), (long) k * n);
    checkBatched("C", cc, batch, g.strideC(), (long) m * n);
    Check.that(g.strideC() != 0 || batch <= 1, "gemm", "C's stride is 0 but batch is " + batch);
    Storage input = Storage.of("gemm", "A", ca.dtype());
    Storage output = Storage.of("gemm", "C", cc.dtype());
    Check.that(cb.dtype() == ca.dtype(), "gemm", "A is " + ca.dtype().label() + " but B is " + cb.dtype().label());
    Check.that(output == input || (input.isHalf() && output == Storage.FLOAT32), "gemm",
        "C must be " + ca.dtype().label() + (input.isHalf() ? " or float32" : "") + ", got " + cc.dtype().label());
    if (batch == 0 || m == 0 || n == 0) {
      return;
    }
    if (input.isHalf()) {
      gemm16.run(input, g.transA(), g.transB(), batch, m, n, k, (float) g.alpha(), ca.pointer(), g.strideA(),
          cb.pointer(), g.strideB(), (float) g.beta(), output, cc.pointer(), g.strideC());
      return;
    }
    gemm.run(g.transA(), g.transB(), batch, m, n, k, (float) g.alpha(), ca.pointer(), g.strideA(), cb.pointer(),
        g.strideB(), (float) g.beta(), cc.pointer(), g.strideC());
  }

  /** The last matrix, at (batch − 1)·stride, must end inside the buffer. */
  private static void checkBatched(String name, CudaBuffer x, int batch, long stride, long matrix) {
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

  @Override
  public void biasActivationMasked(
      UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer mask, Buffer z, int rows, int cols) {
    biasActivation.maskedForward(act, alpha, bound(x), cuda(bias), cuda(mask), cuda(z), rows, cols);
  }

  @Override
  public void biasActivationMaskedBackward(
      UnaryOp act, double alpha, Buffer z, Buffer mask, Buffer dz, Buffer dx, Buffer dbias, int rows, int cols) {
    biasActivation.maskedBackward(act, alpha, bound(z), cuda(mask), cuda(dz), cuda(dx), cuda(dbias), rows, cols);
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
      Buffer param, Buffer paramCopy, Buffer grad, Buffer velocity, double lr, double momentum, double dampening,
      double weightDecay, boolean nesterov, boolean firstStep) {
    optimizers.sgd(
        bound(param), paramCopy == null ? null : cuda(paramCopy), cuda(grad), velocity == null ? null : cuda(velocity),
        lr, momentum, dampening, weightDecay, nesterov, firstStep);
  }

  @Override
  public void adamStep(
      Buffer param, Buffer paramCopy, Buffer grad, Buffer m, Buffer v, double lr, double beta1, double beta2,
      double eps, double weightDecay, boolean decoupled, long step) {
    optimizers.adam(bound(param), paramCopy == null ? null : cuda(paramCopy), cuda(grad), cuda(m), cuda(v), lr, beta1,
        beta2, eps, weightDecay, decoupled, step);
  }

  // ---- the training step as one unit: training_step.cu, reading nothing back ----

  @Override
  public void sumsOfSquares(List<Buffer> xs, Buffer out) {
    context.bind();
    if (trainingStep == null || cuda(out).dtype() != DType.FLOAT32
        || xs.stream().anyMatch(x -> cuda(x).dtype() != DType.FLOAT32)) {
      Backend.super.sumsOfSquares(xs, out);
      return;
    }
    trainingStep.sumsOfSquares(buffers(xs), cuda(out));
  }

  @Override
  public void stepGuard(Buffer sums, Buffer layerOf, Buffer loss, int examples, double maxNorm, int maxSkippedInARow,
      Buffer state, StepGuard.LossScaling scaling) {
    context.bind();
    if (trainingStep == null || cuda(sums).dtype() != DType.FLOAT32 || cuda(loss).dtype() != DType.FLOAT32) {
      Backend.super.stepGuard(sums, layerOf, loss, examples, maxNorm, maxSkippedInARow, state, scaling);
      return;
    }
    int layers = (int) ((state.length() - StepGuard.HEADER) / StepGuard.Block.values().length);
    StepGuard.checkGuard(sums, layerOf, loss, layers, state);
    trainingStep.stepGuard(cuda(sums), cuda(layerOf), cuda(loss), examples, maxNorm, maxSkippedInARow, cuda(state),
        layers, scaling == null ? null : cuda(scaling.scale()), scaling == null ? 0 : scaling.growthInterval());
  }

  @Override
  public void sgdSteps(List<Buffer> params, List<Buffer> paramCopies, List<Buffer> grads, List<Buffer> velocities,
      double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean firstStep,
      Buffer guard) {
    context.bind();
    if (trainingStep == null) {
      Backend.super.sgdSteps(params, paramCopies, grads, velocities, lr, momentum, dampening, weightDecay, nesterov,
          firstStep, guard);
      return;
    }
    StepGuard.checkLists("sgdSteps", params, paramCopies, grads, velocities);
    List<CudaBuffer> v = velocities == null ? null : buffers(velocities);
    trainingStep.sgdSteps(buffers(params), copies(paramCopies), buffers(grads), v, lr, momentum, dampening, weightDecay,
        nesterov, firstStep, guardState("sgdSteps", guard), recording == null ? null : recording.learningRateSlot());
  }

  @Override
  public void adamSteps(List<Buffer> params, List<Buffer> paramCopies, List<Buffer> grads, List<Buffer> ms,
      List<Buffer> vs, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
      Buffer guard) {
    context.bind();
    if (trainingStep == null) {
      Backend.super.adamSteps(params, paramCopies, grads, ms, vs, lr, beta1, beta2, eps, weightDecay, decoupled,
          guard);
      return;
    }
    StepGuard.checkLists("adamSteps", params, paramCopies, grads, ms, vs);
    trainingStep.adamSteps(buffers(params), copies(paramCopies), buffers(grads), buffers(ms), buffers(vs), lr, beta1,
        beta2, eps, weightDecay, decoupled, guardState("adamSteps", guard),
        recording == null ? null : recording.learningRateSlot());
  }

  /** The parameters' 16-bit copies of a multi-tensor step: null, or one entry per parameter, null where none. */
  private List<CudaBuffer> copies(List<Buffer> paramCopies) {
    if (paramCopies == null) {
      return null;
    }
    List<CudaBuffer> out = new ArrayList<>(paramCopies.size());
    paramCopies.forEach(b -> out.add(b == null ? null : cuda(b)));
    return out;
  }

  /** A guard state of any number of layers: float32, at least the header. */
  private CudaBuffer guardState(String kernel, Buffer guard) {
    CudaBuffer g = cuda(guard);
    Check.that(g.dtype() == DType.FLOAT32 && g.length() >= StepGuard.HEADER, kernel,
        "the guard must be a float32 StepGuard state, got " + g.dtype().label() + " of " + g.length());
    return g;
  }

  private List<CudaBuffer> buffers(List<Buffer> list) {
    List<CudaBuffer> out = new ArrayList<>(list.size());
    list.forEach(b -> out.add(cuda(b)));
    return out;
  }

  @Override
  public void random(Distribution dist, double a, double b, long seed, long offset, Buffer out) {
    random.run(dist, a, b, seed, offset, bound(out), recording == null ? null : recording.shiftSlot(seed));
  }

  /**
   * Stream capture of {@code step} on the backend's stream into a CUDA graph ({@link CudaStepGraph}). Work queued
   * before is finished first, so that a deferred check it queued is reported now rather than blamed on the graph.
   */
  @Override
  public StepGraph capture(Runnable step) {
    context.bind();
    Check.that(recording == null, "capture", "a step is being recorded already");
    synchronize();
    CudaStepGraph graph = new CudaStepGraph(context, allocator, softmaxCrossEntropy);
    recording = graph;
    try {
      graph.record(step);
    } finally {
      recording = null;
    }
    return graph;
  }

  /** The pinned staging buffer, which waits for the stream: refused while a step is recorded. */
  private PinnedStaging transfers(String call) {
    notRecording(call);
    return staging;
  }

  /** Throws where {@code call} would wait for the device or read the host while a step is recorded. */
  private void notRecording(String call) {
    if (recording != null) {
      throw new IllegalStateException(call + ": a step recorded into a graph cannot wait for the device or read host"
          + " memory");
    }
  }

  @Override
  public void synchronize() {
    notRecording("synchronize");
    context.bind();
    context.synchronize();
    softmaxCrossEntropy.checkDeferred();
  }

  /** The softmax cross-entropy launches stop waiting for their label check (see {@link SoftmaxCrossEntropyKernels}). */
  @Override
  public DeferredChecks deferChecks() {
    context.bind();
    softmaxCrossEntropy.openDeferredScope();
    return new DeferredChecks() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) { // a second close must not end a scope around this one
          closed = true;
          context.bind();
          softmaxCrossEntropy.closeDeferredScope();
        }
      }
    };
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
