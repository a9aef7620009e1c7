package io.jgrad;

import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GatherCheck;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.MaskCheck;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.spi.ReduceOp;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.spi.StepGraph;
import io.jgrad.spi.StepGuard;
import java.util.List;

/**
 * The kernel boundary: a backend owns memory on one device and runs coarse kernels on it. It is the only code that
 * knows where bytes live. Every backend passes the one conformance suite (core's test-jar, {@code
 * io.jgrad.conformance.BackendConformanceTest}).
 *
 * <p>Two faces. A user gets a backend from {@link Backends}, passes it to tensors and modules, and calls only
 * {@link #name}, {@link #describe}, {@link #supports}, {@link #memoryStats}, {@link #memoryCapacity}, {@link
 * #leakDetector}, {@link #resetPeak}, {@link #synchronize} and {@link #close}. Everything else is the kernel SPI,
 * for backend authors and for jgrad's own ops: its argument types live in {@link io.jgrad.spi}.
 *
 * <p>Conventions, for every method: buffers are contiguous row-major; a kernel writes every element of its output
 * (the conformance suite poisons outputs with NaN to prove it); element-wise kernels allow the output to be one of
 * the inputs (in place); FLOAT32 kernels may compute internally in higher precision. Shapes use the legend
 * {@code B = batch, M/N/K = GEMM dimensions, R = rows, C = columns/classes}. Argument errors are
 * IllegalArgumentException naming the kernel; a buffer from another backend is an error.
 *
 * <p>16-bit floats (BFLOAT16, FLOAT16; see {@link ReducedFloats}): where {@link #supports} says so, the memory
 * kernels, {@link #cast}, {@link #gemm}, {@link #unary}, {@link #unaryBackward}, {@link #binary}, {@link
 * #biasActivation}, {@link #biasActivationBackward}, {@link #reduce} and {@link #random} take them like FLOAT32 (all
 * floating operands of one dtype unless a contract says otherwise): they compute in float32 (or wider) and round each
 * result once to the output's dtype, nearest-even. The loss and optimizer kernels are FLOAT32/FLOAT64 only: mixed
 * precision keeps losses and master weights in float32 (io.jgrad.Autocast); an optimizer step also writes
 * the master's 16-bit copy when given one.
 */
public interface Backend extends AutoCloseable {

  /** "cpu-scalar", "cpu", "cuda". */
  String name();

  /**
   * One line saying which kernels this backend runs here, e.g. {@code "cpu: SIMD kernels (jdk.incubator.vector,
   * 256-bit float vectors), 8 threads; float64 on plain loops"} or the plain-loop fallback; {@code jgrad backends}
   * prints it.
   */
  default String describe() {
    return name();
  }

  /**
   * Whether tensors of this dtype can live here (every backend supports FLOAT32 and INT32). A backend that cannot
   * hold a dtype on its device (bfloat16 before sm_80) answers false, and {@link #allocate} names the reason.
   */
  boolean supports(DType dtype);

  // ---- memory ----

  /** A buffer of {@code length} elements; its contents are unspecified. */
  Buffer allocate(DType dtype, long length);

  /** Returns the buffer's memory to the backend (its pool); the buffer must not be used again. */
  void free(Buffer buffer);

  /**
   * A FLOAT32 buffer that is {@code data} itself, where this backend keeps its buffers in host arrays (the CPU
   * backends): nothing is copied, and a write through the buffer changes the array, as {@code torch.from_numpy} shares
   * its array. Null where the backend's memory is not the host's (a GPU): upload a copy there. {@link #free} ends the
   * view and leaves the array to its owner. A {@link io.jgrad.data.DataLoader} reads its dataset in place this way.
   */
  default Buffer wrap(float[] data) {
    return null;
  }

  /** {@link #wrap(float[])} for an INT32 buffer. */
  default Buffer wrap(int[] data) {
    return null;
  }

  /**
   * dst[i] = src[i]; lengths must match. float[] and double[] fill any floating dtype (rounded to it as {@link
   * ReducedFloats#round} does, or widened); int[] fills INT32 only.
   */
  void upload(Buffer dst, float[] src);

  void upload(Buffer dst, double[] src);

  void upload(Buffer dst, int[] src);

  /** dst[i] = src[i] as raw 16-bit patterns, no conversion; dst must be BFLOAT16 or FLOAT16; lengths must match. */
  void upload(Buffer dst, short[] src);

  /** dst[i] = src[i]; lengths must match; the same dtype pairs as upload (16-bit floats widen exactly). */
  void download(Buffer src, float[] dst);

  void download(Buffer src, double[] dst);

  void download(Buffer src, int[] dst);

  /** dst[i] = src[i]'s raw 16-bit pattern; src must be BFLOAT16 or FLOAT16; lengths must match. */
  void download(Buffer src, short[] dst);

  /**
   * dst[i] = src[i] converted to dst's dtype (both floating, same length, any pair): to BFLOAT16/FLOAT16 exactly as
   * {@link ReducedFloats#toBits} (nearest-even through float32, NaN and ±Inf kept, overflow to ±Inf), 16-bit to wider
   * exactly, FLOAT64 to FLOAT32 as Java's cast; equal dtypes copy. src may also be INT32 (labels): converted as Java's
   * int-to-float (or int-to-double) conversion, to 16 bits through float32.
   */
  void cast(Buffer src, Buffer dst);

  /** dst[dstOffset + i] = src[srcOffset + i] for i &lt; length (same dtype). */
  void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long length);

  /** dst[i] = value for every element. */
  void fill(Buffer dst, double value);

  /**
   * Row gather: dst row r = src row {@code indices[from + r]} for r &lt; count, rows of {@code rowLength} elements
   * (src, dst of one dtype; indices INT32). A data loader fills a batch from a dataset kept in this backend's memory
   * with it, so a device backend assembles batches without the host. Every index must lie in [0, src rows): a device
   * kernel does not check them. The default copies the index range to the host and each row with {@link #copy}.
   */
  default void gather(Buffer src, long rowLength, Buffer indices, long from, int count, Buffer dst) {
    GatherCheck.arguments(src, rowLength, indices, from, count, dst);
    if (count == 0) {
      return;
    }
    Buffer slice = allocate(DType.INT32, count);
    int[] rows = new int[count];
    try {
      copy(indices, from, slice, 0, count);
      download(slice, rows);
    } finally {
      free(slice);
    }
    long srcRows = src.length() / Math.max(1, rowLength);
    for (int r = 0; r < count; r++) {
      GatherCheck.index(rows[r], srcRows, from + r);
      copy(src, rows[r] * rowLength, dst, r * rowLength, rowLength);
    }
  }

  MemoryStats memoryStats();

  /**
   * The memory this backend can still give tensors, for estimates made before a run is built. The default is the
   * Java heap, where backends that keep tensors in Java arrays hold them; a backend with its own device memory
   * reports that instead.
   */
  default MemoryCapacity memoryCapacity() {
    return MemoryCapacity.javaHeap();
  }

  /** Watches this backend's tensors for ones never closed (see {@link LeakDetection}); by default nothing is. */
  default LeakDetector leakDetector() {
    return LeakDetector.OFF;
  }

  /** Starts a new peak measurement at the current live bytes. */
  void resetPeak();

  // ---- GEMM ----

  /**
   * The product {@code args} describes ({@link GemmArgs}: for each b &lt; batch, C_b = alpha·op(A_b)·op(B_b) +
   * beta·C_b, row-major; a stride of 0 broadcasts one matrix over the batch; beta = 0 ignores C's old contents, NaN
   * included). A and B are of one dtype; C is of that dtype too, or FLOAT32 when A and B are 16-bit (products of
   * 16-bit inputs always accumulate in float32 or wider; a 16-bit C is rounded once at the end).
   */
  void gemm(GemmArgs args);

  // ---- element-wise ----

  /** y[i] = op(x[i]; alpha). */
  void unary(UnaryOp op, double alpha, Buffer x, Buffer y);

  /**
   * dx[i] = dy[i]·op'(…): {@code saved} is the forward's input or output as {@link UnaryOp#saves()} says (null when
   * it saves nothing). Where RELU's or CLAMP's mask is 0, dx is 0 even for a NaN or infinite dy (as PyTorch). Writes
   * dx (no accumulation); dx may be dy.
   */
  void unaryBackward(UnaryOp op, double alpha, Buffer saved, Buffer dy, Buffer dx);

  /** out = op(a, b) with NumPy broadcasting of aShape and bShape to outShape. */
  void binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Buffer out, Shape outShape);

  /**
   * The fused MLP epilogue: y[r,c] = act(x[r,c] + bias[c]) for x, y of R×C and bias of C. {@code act}'s backward
   * must need nothing or the output (not GELU).
   */
  void biasActivation(UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer y, int rows, int cols);

  /**
   * dx[r,c] = dy[r,c]·act'(y[r,c]), masks selecting 0 as in {@link #unaryBackward}; dbias[c] = Σ_r dx[r,c] (written,
   * not accumulated). dx may be dy.
   */
  void biasActivationBackward(
      UnaryOp act, double alpha, Buffer y, Buffer dy, Buffer dx, Buffer dbias, int rows, int cols);

  /**
   * The epilogue of an MLP layer followed by dropout: z[r,c] = act(x[r,c] + bias[c])·mask[r,c] for x, mask, z of R×C,
   * mask ≥ 0 (dropout's 0 or keep scale). {@code act} is one that {@link UnaryOp#takesMask() takes a mask} (IDENTITY,
   * RELU, LEAKY_RELU), whose derivative the sign of z gives wherever the mask keeps the element. The default runs
   * {@link #biasActivation} into z and multiplies z by the mask in place; a backend may do it in one pass.
   */
  default void biasActivationMasked(
      UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer mask, Buffer z, int rows, int cols) {
    MaskCheck.activation("biasActivationMasked", act);
    biasActivation(act, alpha, x, bias, z, rows, cols);
    Shape s = Shape.of(rows, cols);
    binary(BinaryOp.MUL, z, s, mask, s, z, s);
  }

  /**
   * The backward of {@link #biasActivationMasked} from its output z: dx[r,c] = act'(z[r,c])·(dz[r,c]·mask[r,c]), masks
   * selecting 0 as in {@link #unaryBackward} (a dropped element has z = 0); dbias[c] = Σ_r dx[r,c] (written). dx may
   * be dz. The default multiplies dz by the mask into dx and runs {@link #biasActivationBackward} on z.
   */
  default void biasActivationMaskedBackward(
      UnaryOp act, double alpha, Buffer z, Buffer mask, Buffer dz, Buffer dx, Buffer dbias, int rows, int cols) {
    MaskCheck.activation("biasActivationMaskedBackward", act);
    Shape s = Shape.of(rows, cols);
    binary(BinaryOp.MUL, dz, s, mask, s, dx, s);
    biasActivationBackward(act, alpha, z, dx, dx, dbias, rows, cols);
  }

  // ---- reductions ----

  /** x viewed as [outer, n, inner] reduced over n into out [outer, inner]. */
  void reduce(ReduceOp op, Buffer x, int outer, int n, int inner, Buffer out);

  // ---- convolutional networks (NCHW; legend: B = batch, C = channels, O = output channels, G = groups) ----

  /**
   * y[b,o,i,j] = bias[o] + Σ_{c,p,q} w[o,c,p,q]·x[b, g·C/G + c, i·strideH − padH + p·dilationH, j·strideW − padW +
   * q·dilationW], g = o/(O/G), c &lt; C/G, x read as 0 outside [0,H)×[0,W). bias may be null (then 0).
   */
  void conv2d(Conv2dGeometry g, Buffer x, Buffer weight, Buffer bias, Buffer y);

  /** dx = ∂(Σ dy·y)/∂x of {@link #conv2d}: each x element gets Σ dy·w over the taps that read it (written). */
  void conv2dBackwardInput(Conv2dGeometry g, Buffer dy, Buffer weight, Buffer dx);

  /**
   * dweight[o,c,p,q] = Σ_{b,i,j} dy[b,o,i,j]·x[b, g·C/G + c, …] (the tap of {@link #conv2d}, 0 in the padding);
   * dbias[o] = Σ_{b,i,j} dy[b,o,i,j] unless dbias is null. Both written, not accumulated.
   */
  void conv2dBackwardWeight(Conv2dGeometry g, Buffer x, Buffer dy, Buffer dweight, Buffer dbias);

  /**
   * y[b,c,i,j] = max of x[b,c] over the window at (i·strideH − padH, j·strideW − padW), taps spaced by dilation,
   * padding ignored (as −inf); indices (INT32, like y) = h·W + w of the first maximum, a NaN winning as in torch.
   */
  void maxPool2d(Pool2dGeometry g, Buffer x, Buffer y, Buffer indices);

  /** dx = 0 everywhere, then dx[b,c,indices[b,c,i,j]] += dy[b,c,i,j] for every output element. */
  void maxPool2dBackward(Pool2dGeometry g, Buffer indices, Buffer dy, Buffer dx);

  /**
   * y[b,c,i,j] = (Σ of x[b,c] over the window, padding counting as 0) / (kernelH·kernelW): PyTorch's AvgPool2d with
   * count_include_pad = true and floor rounding. The window has no dilation (dilation must be 1).
   */
  void avgPool2d(Pool2dGeometry g, Buffer x, Buffer y);

  /** dx[b,c,h,w] = Σ dy[b,c,i,j] / (kernelH·kernelW) over the windows that hold (h, w) (written). */
  void avgPool2dBackward(Pool2dGeometry g, Buffer dy, Buffer dx);

  /**
   * Per channel of x [B, C, S] (S = H·W): mean[c] and the biased variance var[c] = mean of (x − mean[c])² over B·S
   * elements. If runningMean is not null (then neither is runningVar): runningMean = (1 − momentum)·runningMean +
   * momentum·mean and runningVar = (1 − momentum)·runningVar + momentum·var·n/(n − 1), n = B·S (PyTorch's
   * convention; n = 1 uses var unchanged).
   */
  void batchNormStatistics(
      Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double momentum, Buffer runningMean,
      Buffer runningVar);

  /** y[b,c,s] = (x[b,c,s] − mean[c]) / sqrt(var[c] + eps)·gamma[c] + beta[c], x and y [B, C, S]; y may be x. */
  void batchNorm(
      Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps, Buffer gamma, Buffer beta,
      Buffer y);

  /**
   * Gradients of {@link #batchNorm}, with x̂ = (x − mean)/sqrt(var + eps), n = B·S, sums over b and s per channel:
   * dbeta[c] = Σ dy, dgamma[c] = Σ dy·x̂; dx = gamma·(dy − (Σ dy + x̂·Σ dy·x̂)/n)/sqrt(var + eps) when the statistics
   * are the BATCH's (mean, var as batchNormStatistics gives), dx = gamma·dy/sqrt(var + eps) when RUNNING. All three
   * written, not accumulated.
   */
  void batchNormBackward(
      BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var,
      double eps, Buffer gamma, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta);

  /**
   * maxPool2d of batchNorm's output without that output in memory: y and indices (INT32) as {@link #maxPool2d} gives
   * them over y' = {@link #batchNorm}(x), x [B, C, H, W] of geometry g, per-channel operands as batchNorm's. The
   * default writes y' into a temporary buffer and pools it; a backend may normalise each window as it pools it, which
   * spares a write and a read of an activation four times the pooled size for 2×2 windows.
   */
  default void batchNormMaxPool2d(Pool2dGeometry g, Buffer x, Buffer mean, Buffer var, double eps, Buffer gamma,
      Buffer beta, Buffer y, Buffer indices) {
    Buffer normalized = allocate(x.dtype(), g.inputSize());
    try {
      batchNorm(x, g.batch(), g.channels(), g.height() * g.width(), mean, var, eps, gamma, beta, normalized);
      maxPool2d(g, normalized, y, indices);
    } finally {
      free(normalized);
    }
  }

  /**
   * Gradients of {@link #batchNormMaxPool2d} from the pooled dy and the forward's indices: those of {@link
   * #batchNormBackward} for the dy that {@link #maxPool2dBackward} spreads over x's shape (zero off the windows'
   * maxima). The default spreads dy into a temporary buffer and runs batchNormBackward on it; a backend may read the
   * pooled dy where it lies.
   */
  default void batchNormMaxPool2dBackward(BatchNormStatistics statistics, Pool2dGeometry g, Buffer x, Buffer mean,
      Buffer var, double eps, Buffer gamma, Buffer indices, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
    Buffer spread = allocate(dy.dtype(), g.inputSize());
    try {
      maxPool2dBackward(g, indices, dy, spread);
      batchNormBackward(statistics, x, g.batch(), g.channels(), g.height() * g.width(), mean, var, eps, gamma, spread,
          dx, dgamma, dbeta);
    } finally {
      free(spread);
    }
  }

  /**
   * y = RELU({@link #batchNorm}(x) + residual), residual [B, C, S] as x or null (then y = RELU(batchNorm(x))): a
   * residual block's batch norm, shortcut sum and ReLU. The default runs batchNorm, the ADD and the RELU over y, each
   * a pass over memory; a backend may make them one, with the same values (y = r where r = batchNorm(x) + residual is
   * positive or NaN, else 0).
   */
  default void batchNormRelu(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps,
      Buffer gamma, Buffer beta, Buffer residual, Buffer y) {
    batchNorm(x, batch, channels, spatial, mean, var, eps, gamma, beta, y);
    if (residual != null) {
      Shape shape = Shape.of(batch, channels, spatial);
      binary(BinaryOp.ADD, y, shape, residual, shape, y, shape);
    }
    unary(UnaryOp.RELU, 0, y, y);
  }

  /**
   * Gradients of {@link #batchNormRelu} from its output y: dz = dy where y &gt; 0 or is NaN, else 0 (RELU's
   * {@link #unaryBackward}), written, for it is also the residual's gradient; then dx, dgamma and dbeta as {@link
   * #batchNormBackward} gives them for dz. The default runs those two kernels; a backend may compute dz and batch
   * norm's sums in one pass.
   */
  default void batchNormReluBackward(BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial,
      Buffer mean, Buffer var, double eps, Buffer gamma, Buffer y, Buffer dy, Buffer dz, Buffer dx, Buffer dgamma,
      Buffer dbeta) {
    unaryBackward(UnaryOp.RELU, 0, y, dy, dz);
    batchNormBackward(statistics, x, batch, channels, spatial, mean, var, eps, gamma, dz, dx, dgamma, dbeta);
  }

  // ---- fused loss ----

  /**
   * Stable softmax cross-entropy per row. logits R×C, labels INT32[R] in [0, C). probs[r,c] = softmax(logits[r])[c];
   * loss[r] = −Σ_c t[r,c]·log probs[r,c] with t = (1 − s)·onehot(label) + s/C (s = label smoothing), terms with
   * t = 0 left out (so a −inf logit off the label leaves the loss finite when s = 0, as in PyTorch). An out-of-range
   * label is an error.
   */
  void softmaxCrossEntropy(
      Buffer logits, Buffer labels, int rows, int cols, double smoothing, Buffer probs, Buffer loss);

  /** dlogits[r,c] = dloss[r]·(probs[r,c] − t[r,c]), t as in the forward. */
  void softmaxCrossEntropyBackward(
      Buffer probs, Buffer labels, Buffer dloss, int rows, int cols, double smoothing, Buffer dlogits);

  // ---- optimizer steps, in place ----
  // paramCopy, in both: null, or a BFLOAT16/FLOAT16 buffer of a FLOAT32 param's length that the same kernel sets to
  // the updated param rounded to nearest-even, as cast would (autocast's copy of a master weight: no second pass).

  /**
   * PyTorch's SGD, for every element: g = grad + wd·p; if momentum ≠ 0: v = firstStep ? g : momentum·v + (1 −
   * dampening)·g, and g = nesterov ? g + momentum·v : v; p −= lr·g. {@code velocity} is null when momentum = 0.
   */
  void sgdStep(
      Buffer param,
      Buffer paramCopy,
      Buffer grad,
      Buffer velocity,
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean firstStep);

  /**
   * Adam (decoupled = false: g += wd·p) or AdamW (decoupled = true: p −= lr·wd·p first), at 1-based {@code step}: m
   * = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= lr·(m / (1 − β1^step)) / (sqrt(v / (1 − β2^step)) + eps).
   */
  void adamStep(
      Buffer param,
      Buffer paramCopy,
      Buffer grad,
      Buffer m,
      Buffer v,
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean decoupled,
      long step);

  // ---- the training step as one unit: gradient norms, the non-finite guard and multi-tensor updates ----

  /**
   * out[i] = Σ_j xs[i][j]² for each buffer of the list, computed in double and rounded once to out's dtype (FLOAT32 for
   * float32 or 16-bit xs; the xs' dtype otherwise). out holds at least xs.size() elements; the rest are untouched.
   * The default runs a product and a sum per buffer; a backend may read each buffer once.
   */
  default void sumsOfSquares(List<Buffer> xs, Buffer out) {
    StepGuard.sumsOfSquaresByKernels(this, xs, out);
  }

  /**
   * One training step's non-finite guard, as {@link StepGuard#apply} says, on the guard {@code state} (FLOAT32 of
   * {@link StepGuard#length}(layers)): reads sums[p] (Σg² of gradient p, from {@link #sumsOfSquares}), layerOf[p]
   * (INT32: p's layer) and loss[0]; writes whether the update is applied, its clipping factor and the metrics. A
   * device backend does this without the host reading anything. The default reads the operands back and computes
   * on the host (the CPU backends' way: there a read-back is a copy).
   */
  default void stepGuard(
      Buffer sums, Buffer layerOf, Buffer loss, int examples, double maxNorm, int maxSkippedInARow, Buffer state) {
    stepGuard(sums, layerOf, loss, examples, maxNorm, maxSkippedInARow, state, null);
  }

  /**
   * {@link #stepGuard} with dynamic loss scaling ({@link StepGuard.LossScaling}: fp16's scaler decided on the device);
   * {@code scaling} null is the plain guard.
   */
  default void stepGuard(Buffer sums, Buffer layerOf, Buffer loss, int examples, double maxNorm, int maxSkippedInARow,
      Buffer state, StepGuard.LossScaling scaling) {
    StepGuard.stepGuardOnTheHost(this, sums, layerOf, loss, examples, maxNorm, maxSkippedInARow, state, scaling);
  }

  /**
   * {@link #sgdStep} on every (param, grad, velocity) of the lists, but only if guard[{@link StepGuard#APPLY}] is 1,
   * and on grad·guard[{@link StepGuard#SCALE}] (a backend may scale the gradients in place to get there).
   * velocities is null when momentum = 0; paramCopies (null, or one entry per parameter, null where none) as {@link
   * #sgdStep}'s paramCopy, written with its param (a skipped step leaves both; a backend may rewrite an unchanged
   * param's copy, which gives the same bits).
   * A device backend does it in one launch; the default reads the guard back.
   */
  default void sgdSteps(
      List<Buffer> params, List<Buffer> paramCopies, List<Buffer> grads, List<Buffer> velocities, double lr,
      double momentum, double dampening, double weightDecay, boolean nesterov, boolean firstStep, Buffer guard) {
    StepGuard.sgdStepsOnTheHost(this, params, paramCopies, grads, velocities, lr, momentum, dampening, weightDecay,
        nesterov, firstStep, guard);
  }

  /**
   * {@link #adamStep} on every (param, grad, m, v) of the lists at step guard[{@link StepGuard#APPLIED_STEPS}], only if
   * guard[{@link StepGuard#APPLY}] is 1, and on grad·guard[{@link StepGuard#SCALE}] (as {@link #sgdSteps}).
   */
  default void adamSteps(
      List<Buffer> params, List<Buffer> paramCopies, List<Buffer> grads, List<Buffer> ms, List<Buffer> vs, double lr,
      double beta1, double beta2, double eps, double weightDecay, boolean decoupled, Buffer guard) {
    StepGuard.adamStepsOnTheHost(this, params, paramCopies, grads, ms, vs, lr, beta1, beta2, eps, weightDecay,
        decoupled, guard);
  }

  /**
   * An exponential moving average's step on every (average, value) pair of the lists, in place: average += weight ·
   * (value − average), each product and sum rounded to the buffers' dtype (no fused multiply-add, so every backend
   * gives the same bits); only if guard is null or guard[{@link StepGuard#APPLY}] is 1, so a skipped step leaves every
   * average as it was. The pairs share a shape and a floating dtype. The default runs the element-wise kernels with
   * the guard's flag folded into the weight on the device, reading nothing back; a backend may do it in one pass.
   */
  default void emaSteps(List<Buffer> averages, List<Buffer> values, double weight, Buffer guard) {
    StepGuard.emaStepsByKernels(this, averages, values, weight, guard);
  }

  // ---- random ----

  /**
   * Counter-based random numbers, identical on every backend: Philox4x32-10 with key = (low, high 32 bits of seed);
   * element i takes j = offset + i (unsigned). UNIFORM: a + (b − a)·x·2⁻³², x word j mod 4 of the block of counter
   * (low, high 32 bits of ⌊j/4⌋, 0, 0); NORMAL: a + b·sqrt(−2·ln((x0 + 1)·2⁻³²))·cos(2π·x1·2⁻³²), x0 and x1 the first
   * two words of counter (low, high 32 bits of j, 0, 0). Computed in double, then rounded to the buffer's dtype. See
   * {@code io.jgrad.internal.Philox} for the reference.
   */
  void random(Distribution dist, double a, double b, long seed, long offset, Buffer out);

  /**
   * The dropout mask {@link io.jgrad.nn.Dropout} multiplies by: what {@link #random} UNIFORM(0, 1) for seed and offset
   * and then {@link UnaryOp#DROPOUT_MASK} with p leave in {@code out} (u ≥ p ? 1/(1 − p) : 0), bit for bit. The
   * default is those two kernels; a backend may draw the mask in one, and one that records steps ({@link #capture})
   * moves its offset on each replay as it moves random's.
   */
  default void dropoutMask(double p, long seed, long offset, Buffer out) {
    random(Distribution.UNIFORM, 0, 1, seed, offset, out);
    unary(UnaryOp.DROPOUT_MASK, p, out, out);
  }

  /**
   * Until the returned scope closes, argument checks that need the device's answer (CUDA's bad-label word of the
   * softmax cross-entropy kernels) are reported by the next read-back ({@code download}), {@link #synchronize} or
   * the closing of the scope, instead of by the launching call, which then does not wait for the device. The message
   * is the same, less what only the launch knew. A trainer that decides its steps on the device opens one per fit,
   * an evaluation pass one per pass. Scopes nest: closing an inner one leaves the checks to the read-backs and the
   * outermost scope's closing. Backends whose checks cost no wait (the CPU backends) keep reporting at once.
   */
  default DeferredChecks deferChecks() {
    return () -> {};
  }

  /** The scope of {@link #deferChecks()}: closing it reports what the deferred checks found. */
  interface DeferredChecks extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Records the work {@code step} queues on this backend into a graph that {@link StepGraph#replay} queues again at the
   * cost of one launch, or returns null, without running {@code step}, where this backend does not record (the CPU
   * backends: their calls are their kernels). While recording nothing runs, so {@code step} must not read anything
   * back or upload anything (a backend throws where it would); buffers allocated or freed while recording stay with
   * the graph until it closes, so a replay finds them unchanged by other work. The step's work has then not run:
   * replay it once for that.
   *
   * @throws RuntimeException what {@code step} threw, or why the backend could not record it; nothing was recorded,
   *     nothing of {@code step} ran on the device, and the backend works as before
   */
  default StepGraph capture(Runnable step) {
    return null;
  }

  /** Waits until every kernel launched so far has finished (device backends run asynchronously). For timing. */
  default void synchronize() {}

  /** Frees every cached and live buffer and the device resources; the backend must not be used again. */
  @Override
  void close();
}
