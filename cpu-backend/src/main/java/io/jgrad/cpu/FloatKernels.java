package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Pool2dGeometry;

/**
 * The float32 kernels {@link CpuBackend} runs in SIMD, on bare arrays whose sizes it has already checked. An interface
 * so that CpuBackend never names a class that touches jdk.incubator.vector: {@link VectorKernels} is loaded only when
 * that module is present.
 */
interface FloatKernels extends AutoCloseable {

  /** C[m×n] = alpha·op(A)·op(B) + beta·C, row-major, each operand starting at its offset. */
  void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB,
      float beta, float[] c, int offC);

  /** The same product of 16-bit A and B ({@code type}) into a float32 C, accumulated in float32. */
  void gemm(DType type, boolean ta, boolean tb, int m, int n, int k, float alpha, short[] a, int offA, short[] b,
      int offB, float beta, float[] c, int offC);

  /** dst[dstOff + i] = src[srcOff + i], 16-bit patterns of {@code type}, widened exactly, for i &lt; n. */
  void widen(DType type, short[] src, int srcOff, float[] dst, int dstOff, int n);

  /** dst[dstOff + i] = src[srcOff + i] rounded to {@code type} as {@link io.jgrad.spi.ReducedFloats}, for i &lt; n. */
  void round(DType type, float[] src, int srcOff, short[] dst, int dstOff, int n);

  /** y[i] = op(x[i]; alpha) for i &lt; n; y may be x. */
  void unary(UnaryOp op, float alpha, float[] x, float[] y, int n);

  /**
   * dx[i] = dy[i]·op'(saved[i]), a mask selecting 0 as {@link ElementMath#gradient} does; saved is null when the op
   * saves nothing; dx may be dy.
   */
  void unaryBackward(UnaryOp op, float alpha, float[] saved, float[] dy, float[] dx, int n);

  /** out[r, c] = op(a[r, c], b[r, c]) when bRow is false, op(a[r, c], b[c]) when it is (a bias row). */
  void binary(BinaryOp op, float[] a, float[] b, boolean bRow, float[] out, int rows, int cols);

  /** y[r, c] = act(x[r, c] + bias[c]), times mask[r, c] unless mask is null. */
  void biasActivation(UnaryOp act, float alpha, float[] x, float[] bias, float[] mask, float[] y, int rows, int cols);

  /**
   * dx[r, c] = act'(y[r, c])·dy[r, c], dy taken times mask[r, c] first unless mask is null (then y is the masked
   * output); dbias[c] = Σ_r dx[r, c].
   */
  void biasActivationBackward(UnaryOp act, float alpha, float[] y, float[] mask, float[] dy, float[] dx,
      float[] dbias, int rows, int cols);

  /** out[r] = Σ_c x[r, c] (the mean when {@code mean}). */
  void rowSums(float[] x, float[] out, int rows, int cols, boolean mean);

  /**
   * dst's row r = src's row rows[from + r], n elements each, for r &lt; count: a batch gathered from a dataset
   * (arrays of any element type; the indices are valid).
   */
  void gatherRows(Object src, int[] rows, int from, int count, int n, Object dst);

  /** Σ x² over x[0, n), in one pass (summed in double across blocks). */
  double sumOfSquares(float[] x, int n);

  /**
   * In-place SGD, the equations of {@link io.jgrad.Backend#sgdStep}; velocity is null without momentum; copy (null,
   * or 16-bit patterns of {@code copyType}) gets the updated p rounded, a piece at a time while it is in cache.
   */
  void sgdStep(float[] p, short[] copy, DType copyType, float[] g, float[] velocity, int n, float lr, float momentum,
      float dampening, float weightDecay, boolean nesterov, boolean firstStep);

  /**
   * a[i] += weight·(b[i] − a[i]) for i &lt; n, the difference, the product and the sum each rounded to float: an
   * exponential moving average's step ({@link io.jgrad.Backend#emaSteps}).
   */
  void lerp(float[] a, float[] b, int n, float weight);

  /**
   * In-place Adam/AdamW, the equations of {@link io.jgrad.Backend#adamStep}; bias corrections precomputed; copy as in
   * {@link #sgdStep}.
   */
  void adamStep(float[] p, short[] copy, DType copyType, float[] g, float[] m, float[] v, int n, float lr,
      float beta1, float beta2, float eps, float weightDecay, boolean decoupled, float bias1, float bias2);

  /**
   * out[i] = u ≥ p ? (float) (1/(1 − p)) : 0 for i &lt; n, u the float32 UNIFORM(0, 1) draw of element offset + i:
   * the uniform draw followed by DROPOUT_MASK, bit for bit, in one pass.
   */
  void dropoutMask(float p, long seed, long offset, float[] out, int n);

  /**
   * The same mask in a buffer of 16-bit {@code type}: the uniform draw stored in that type, then DROPOUT_MASK on it
   * (its float32 result stored in that type), bit for bit, in one pass.
   */
  void dropoutMask(DType type, float p, long seed, long offset, short[] out, int n);

  /**
   * out[i] = (float) {@link io.jgrad.internal.Philox#sample}(UNIFORM, a, b, seed, offset + i) for i &lt; n, bit for
   * bit: the values {@link io.jgrad.Backend#random} defines.
   */
  void uniform(double a, double b, long seed, long offset, float[] out, int n);

  /** The convolution and batch-norm kernels, the equations of {@link io.jgrad.Backend}'s; bias may be null. */
  void conv2d(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y);

  void conv2dBackwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx);

  /** dbias may be null. */
  void conv2dBackwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, float[] dbias);

  void maxPool2d(Pool2dGeometry g, float[] x, float[] y, int[] indices);

  void maxPool2dBackward(Pool2dGeometry g, int[] indices, float[] dy, float[] dx);

  /** runningMean and runningVar may be null (both). */
  void batchNormStatistics(float[] x, int batch, int channels, int spatial, float[] mean, float[] var,
      double momentum, float[] runningMean, float[] runningVar);

  void batchNorm(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] y);

  void batchNormBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] dy, float[] dx, float[] dgamma, float[] dbeta);

  /** RELU(batchNorm(x) + residual) in one pass; residual may be null. */
  void batchNormRelu(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] residual, float[] y);

  /** The backward of {@link #batchNormRelu} from its output y: dz written, then dx, dgamma and dbeta for dz. */
  void batchNormReluBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] y, float[] dy, float[] dz, float[] dx,
      float[] dgamma, float[] dbeta);

  /** maxPool2d over batchNorm's output, for 2×2 windows of stride 2 ({@link PoolNormKernels#pairs}) only. */
  void batchNormMaxPool2d(Pool2dGeometry g, float[] x, float[] mean, float[] var, double eps, float[] gamma,
      float[] beta, float[] y, int[] indices);

  /** The backward of {@link #batchNormMaxPool2d}, for its windows only. */
  void batchNormMaxPool2dBackward(BatchNormStatistics statistics, Pool2dGeometry g, float[] x, float[] mean,
      float[] var, double eps, float[] gamma, int[] indices, float[] dy, float[] dx, float[] dgamma, float[] dbeta);

  /** Stops the worker threads. */
  @Override
  void close();
}
