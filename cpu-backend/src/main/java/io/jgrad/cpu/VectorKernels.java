package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 kernels in the Vector API: each loop is a {@code loopBound} vector body plus a scalar tail, and the
 * tail (in {@link ElementMath}, shared with the reference) also serves the ops that have no vector body here, so
 * every op is computed and the rare ones stay correct without SIMD code of their own.
 */
final class VectorKernels implements FloatKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Elements summed in float lanes before the partial sum goes into a double: keeps float rounding local. */
  private static final int SQUARES_BLOCK = 1024;

  private final WorkerTeam team;
  /** AdamW and the dropout draws on every thread: a recipe step's largest element-wise loops. */
  private final SplitLoop split;
  /**
   * Each thread's buffer for {@link VectorPhilox}'s draws: they run in pieces on every thread, and a buffer per
   * piece was 25 KB of garbage a recipe step (12 pieces of 2 KB).
   */
  private final ThreadLocal<VectorPhilox.Block> philoxBlock = ThreadLocal.withInitial(VectorPhilox::block);
  private final VectorGemm gemm;
  private final ConvKernels conv;
  private final PoolNormKernels poolNorm;

  /** @param threads kernel threads: the caller plus {@code threads − 1} workers owned by this object */
  VectorKernels(int threads) {
    this.team = new WorkerTeam(threads);
    this.split = new SplitLoop(team);
    this.gemm = new VectorGemm(team);
    this.conv = new ConvKernels(team);
    this.poolNorm = new PoolNormKernels(team);
  }

  /** The vector shape and threads, for {@link CpuBackend#describe()}. */
  @Override
  public String toString() {
    return F.vectorBitSize() + "-bit float vectors, " + team.threads() + (team.threads() == 1 ? " thread" : " threads");
  }

  @Override
  public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB,
      float beta, float[] c, int offC) {
    gemm.gemm(ta, tb, m, n, k, alpha, a, offA, b, offB, beta, c, offC);
  }

  @Override
  public void gemm(DType type, boolean ta, boolean tb, int m, int n, int k, float alpha, short[] a, int offA,
      short[] b, int offB, float beta, float[] c, int offC) {
    gemm.gemm(type, ta, tb, m, n, k, alpha, a, offA, b, offB, beta, c, offC);
  }

  @Override
  public void widen(DType type, short[] src, int srcOff, float[] dst, int dstOff, int n) {
    VectorReducedFloats.widen(type, src, srcOff, dst, dstOff, n);
  }

  @Override
  public void round(DType type, float[] src, int srcOff, short[] dst, int dstOff, int n) {
    VectorReducedFloats.round(type, src, srcOff, dst, dstOff, n);
  }

  @Override
  public void unary(UnaryOp op, float alpha, float[] x, float[] y, int n) {
    split.run(n, (from, to) -> unaryRange(op, alpha, x, y, from, to));
  }

  /** {@link #unary} on elements [from, to), split as {@link #adamRange} is. */
  private static void unaryRange(UnaryOp op, float alpha, float[] x, float[] y, int from, int to) {
    int i = hasVectorForm(op) ? unaryVectors(op, alpha, x, y, from, from + F.loopBound(to - from)) : from;
    for (; i < to; i++) {
      y[i] = (float) ElementMath.unary(op, alpha, x[i]);
    }
  }

  /**
   * y = op(x) over the whole vectors in [from, bound) (bound returned), as {@link #activate} computes it but with a
   * loop per op and no vector passed to a call. One loop calling activate per vector was compiled by C2 with the call
   * left in, in about 1 JVM of 10 (the CNN's ReLU after each max-pool), and then every vector it passed and got back
   * was a heap object: 14.9 MB a CNN step against 46 KB, about 8% slower.
   */
  private static int unaryVectors(UnaryOp op, float alpha, float[] x, float[] y, int from, int bound) {
    switch (op) {
      case RELU -> {
        for (int i = from; i < bound; i += L) {
          FloatVector v = FloatVector.fromArray(F, x, i);
          v.blend(FloatVector.zero(F), v.compare(VectorOperators.LE, 0f)).intoArray(y, i);
        }
      }
      case LEAKY_RELU -> {
        for (int i = from; i < bound; i += L) {
          FloatVector v = FloatVector.fromArray(F, x, i);
          v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
      }
      case NEG -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, x, i).neg().intoArray(y, i);
        }
      }
      case ADD_SCALAR -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, x, i).add(alpha).intoArray(y, i);
        }
      }
      case MUL_SCALAR -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, x, i).mul(alpha).intoArray(y, i);
        }
      }
      case DROPOUT_MASK -> {
        float keep = (float) ElementMath.dropoutScale(alpha);
        for (int i = from; i < bound; i += L) {
          FloatVector.zero(F).blend(keep, FloatVector.fromArray(F, x, i).compare(VectorOperators.GE, alpha))
              .intoArray(y, i);
        }
      }
      default -> System.arraycopy(x, from, y, from, bound - from); // IDENTITY
    }
    return bound;
  }

  @Override
  public void unaryBackward(UnaryOp op, float alpha, float[] saved, float[] dy, float[] dx, int n) {
    split.run(n, (from, to) -> unaryBackwardRange(op, alpha, saved, dy, dx, from, to));
  }

  /** {@link #unaryBackward} on elements [from, to), split as {@link #adamRange} is. */
  private static void unaryBackwardRange(UnaryOp op, float alpha, float[] saved, float[] dy, float[] dx, int from,
      int to) {
    int i = hasVectorGradient(op) ? gradientVectors(op, alpha, saved, dy, dx, from, from + F.loopBound(to - from))
        : from;
    for (; i < to; i++) {
      dx[i] = (float) ElementMath.gradient(op, alpha, saved == null ? 0 : saved[i], dy[i]);
    }
  }

  /** dx = dy·op'(saved) over the whole vectors in [from, bound), as {@link #gradient}: see {@link #unaryVectors}. */
  private static int gradientVectors(UnaryOp op, float alpha, float[] saved, float[] dy, float[] dx, int from,
      int bound) {
    switch (op) {
      case RELU -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, dy, i).blend(FloatVector.zero(F),
              FloatVector.fromArray(F, saved, i).compare(VectorOperators.LE, 0f)).intoArray(dx, i);
        }
      }
      case LEAKY_RELU -> {
        for (int i = from; i < bound; i += L) {
          FloatVector d = FloatVector.fromArray(F, dy, i);
          d.mul(alpha).blend(d, FloatVector.fromArray(F, saved, i).compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
      }
      case NEG -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, dy, i).neg().intoArray(dx, i);
        }
      }
      case MUL_SCALAR -> {
        for (int i = from; i < bound; i += L) {
          FloatVector.fromArray(F, dy, i).mul(alpha).intoArray(dx, i);
        }
      }
      case SIGMOID -> {
        for (int i = from; i < bound; i += L) {
          FloatVector s = FloatVector.fromArray(F, saved, i);
          FloatVector.fromArray(F, dy, i).mul(s).mul(s.neg().add(1f)).intoArray(dx, i);
        }
      }
      case TANH -> {
        for (int i = from; i < bound; i += L) {
          FloatVector s = FloatVector.fromArray(F, saved, i);
          FloatVector.fromArray(F, dy, i).mul(s.mul(s).neg().add(1f)).intoArray(dx, i);
        }
      }
      default -> System.arraycopy(dy, from, dx, from, bound - from); // IDENTITY, ADD_SCALAR
    }
    return bound;
  }

  @Override
  public void binary(BinaryOp op, float[] a, float[] b, boolean bRow, float[] out, int rows, int cols) {
    if (!bRow) {
      // Split as unary is: autograd's gradient sums where a tensor feeds two ops (a residual block's input) ran on
      // one core, 10 ms of the ResNet-20 step on the Intel VM (docs/benchmarks.md, "Gradient sums on both cores").
      split.run(rows * cols, (from, to) -> binaryRange(op, a, b, from, out, from, to - from));
      return;
    }
    for (int r = 0; r < rows; r++) {
      binaryRange(op, a, b, r * cols, out, 0, cols); // a and out advance by rows, the bias row b stays at 0
    }
  }

  /** out[off + i] = op(a[off + i], b[bOff + i]) for i &lt; n. */
  private static void binaryRange(BinaryOp op, float[] a, float[] b, int off, float[] out, int bOff, int n) {
    int i = 0;
    if (hasVectorForm(op)) {
      for (; i < F.loopBound(n); i += L) {
        FloatVector va = FloatVector.fromArray(F, a, off + i);
        combine(op, va, FloatVector.fromArray(F, b, bOff + i)).intoArray(out, off + i);
      }
    }
    for (; i < n; i++) {
      out[off + i] = (float) ElementMath.binary(op, a[off + i], b[bOff + i]);
    }
  }

  @Override
  public void biasActivation(UnaryOp act, float alpha, float[] x, float[] bias, float[] mask, float[] y, int rows,
      int cols) {
    boolean vector = hasVectorForm(act);
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      int c = 0;
      if (vector) {
        for (; c < F.loopBound(cols); c += L) {
          FloatVector v = FloatVector.fromArray(F, x, off + c).add(FloatVector.fromArray(F, bias, c));
          v = activate(act, alpha, v);
          if (mask != null) {
            v = v.mul(FloatVector.fromArray(F, mask, off + c));
          }
          v.intoArray(y, off + c);
        }
      }
      for (; c < cols; c++) {
        float v = (float) ElementMath.unary(act, alpha, x[off + c] + bias[c]);
        y[off + c] = mask == null ? v : v * mask[off + c];
      }
    }
  }

  @Override
  public void biasActivationBackward(UnaryOp act, float alpha, float[] y, float[] mask, float[] dy, float[] dx,
      float[] dbias, int rows, int cols) {
    Arrays.fill(dbias, 0, cols, 0f);
    boolean vector = hasVectorGradient(act);
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      int c = 0;
      if (vector) {
        for (; c < F.loopBound(cols); c += L) {
          FloatVector d = FloatVector.fromArray(F, dy, off + c);
          if (mask != null) {
            d = d.mul(FloatVector.fromArray(F, mask, off + c));
          }
          FloatVector g = gradient(act, alpha, FloatVector.fromArray(F, y, off + c), d);
          g.intoArray(dx, off + c);
          g.add(FloatVector.fromArray(F, dbias, c)).intoArray(dbias, c);
        }
      }
      for (; c < cols; c++) {
        float d = mask == null ? dy[off + c] : dy[off + c] * mask[off + c];
        float g = (float) ElementMath.gradient(act, alpha, y[off + c], d);
        dx[off + c] = g;
        dbias[c] += g;
      }
    }
  }

  @Override
  public void rowSums(float[] x, float[] out, int rows, int cols, boolean mean) {
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      FloatVector acc = FloatVector.zero(F);
      int c = 0;
      for (; c < F.loopBound(cols); c += L) {
        acc = acc.add(FloatVector.fromArray(F, x, off + c));
      }
      double sum = LaneSums.sum(acc);
      for (; c < cols; c++) {
        sum += x[off + c];
      }
      out[r] = (float) (mean ? sum / cols : sum);
    }
  }

  /**
   * Split over the threads as the optimizer steps: a batch's rows lie at random in a dataset far larger than the
   * caches, so its gather waits on memory, and two threads keep twice the reads in flight (128 rows of Fashion-MNIST
   * from its 188 MB: 110–118 µs on one thread, 44–68 µs on two; docs/benchmarks.md).
   */
  @Override
  public void gatherRows(Object src, int[] rows, int from, int count, int n, Object dst) {
    split.run(count * n, (a, b) -> {
      // dst's elements [a, b): the tail of row a / n, whole rows, the head of the last.
      for (int r = a / n; r * n < b; r++) {
        int lo = Math.max(a, r * n);
        int hi = Math.min(b, (r + 1) * n);
        System.arraycopy(src, rows[from + r] * n + lo - r * n, dst, lo, hi - lo);
      }
    });
  }

  /** Σ x² over x[0, n): float lanes within blocks of {@link #SQUARES_BLOCK}, the blocks summed in double. */
  @Override
  public double sumOfSquares(float[] x, int n) {
    double sum = 0;
    for (int from = 0; from < n; from += SQUARES_BLOCK) {
      int to = Math.min(n, from + SQUARES_BLOCK);
      FloatVector acc = FloatVector.zero(F);
      int i = from;
      for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
        FloatVector v = FloatVector.fromArray(F, x, i);
        acc = v.fma(v, acc);
      }
      sum += LaneSums.sum(acc);
      for (; i < to; i++) {
        sum += (double) x[i] * x[i];
      }
    }
    return sum;
  }

  @Override
  public void sgdStep(float[] p, short[] copy, DType copyType, float[] g, float[] velocity, int n, float lr,
      float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
    split.run(n, (from, to) -> sgdRange(p, copy, copyType, g, velocity, from, to, lr, momentum, dampening, weightDecay,
        nesterov, firstStep));
  }

  /** {@link #sgdStep} on elements [from, to), split as {@link #adamRange} is (the same bits on any thread count). */
  private static void sgdRange(float[] p, short[] copy, DType copyType, float[] g, float[] velocity, int from, int to,
      float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
    int i = from;
    for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
      FloatVector pv = FloatVector.fromArray(F, p, i);
      FloatVector gv = pv.mul(weightDecay).add(FloatVector.fromArray(F, g, i));
      if (velocity != null) {
        FloatVector v = firstStep ? gv : FloatVector.fromArray(F, velocity, i).mul(momentum).add(gv.mul(1 - dampening));
        v.intoArray(velocity, i);
        gv = nesterov ? v.mul(momentum).add(gv) : v;
      }
      pv = pv.sub(gv.mul(lr));
      pv.intoArray(p, i);
    }
    for (; i < to; i++) {
      float gi = g[i] + weightDecay * p[i];
      if (velocity != null) {
        float v = firstStep ? gi : momentum * velocity[i] + (1 - dampening) * gi;
        velocity[i] = v;
        gi = nesterov ? gi + momentum * v : v;
      }
      p[i] -= lr * gi;
    }
    if (copy != null) {
      VectorReducedFloats.round(copyType, p, from, copy, from, to - from);
    }
  }

  @Override
  public void lerp(float[] a, float[] b, int n, float weight) {
    split.run(n, (from, to) -> {
      int i = from;
      for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
        FloatVector av = FloatVector.fromArray(F, a, i);
        av.add(FloatVector.fromArray(F, b, i).sub(av).mul(weight)).intoArray(a, i);
      }
      for (; i < to; i++) {
        a[i] += (b[i] - a[i]) * weight;
      }
    });
  }

  @Override
  public void adamStep(float[] p, short[] copy, DType copyType, float[] g, float[] m, float[] v, int n, float lr,
      float beta1, float beta2, float eps, float weightDecay, boolean decoupled, float bias1, float bias2) {
    split.run(n, (from, to) -> adamRange(p, copy, copyType, g, m, v, from, to, lr, beta1, beta2, eps, weightDecay,
        decoupled, bias1, bias2));
  }

  /**
   * {@link #adamStep} on elements [from, to), from a multiple of the vector length: the vector body covers what a
   * whole-array call's would and the scalar tail only the array's last elements, so a split gives the same bits.
   */
  private static void adamRange(float[] p, short[] copy, DType copyType, float[] g, float[] m, float[] v, int from,
      int to, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, float bias1,
      float bias2) {
    float shrink = decoupled ? 1 - lr * weightDecay : 1; // AdamW's p −= lr·wd·p, as one product
    float coupled = decoupled ? 0 : weightDecay;
    float stepSize = lr / bias1;
    float invBias2 = 1 / bias2;
    int i = from;
    for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
      FloatVector pv = FloatVector.fromArray(F, p, i);
      FloatVector gv = pv.mul(coupled).add(FloatVector.fromArray(F, g, i));
      FloatVector mv = FloatVector.fromArray(F, m, i).mul(beta1).add(gv.mul(1 - beta1));
      FloatVector vv = FloatVector.fromArray(F, v, i).mul(beta2).add(gv.mul(gv).mul(1 - beta2));
      mv.intoArray(m, i);
      vv.intoArray(v, i);
      FloatVector denom = vv.mul(invBias2).sqrt().add(eps);
      pv = pv.mul(shrink).sub(mv.mul(stepSize).div(denom));
      pv.intoArray(p, i);
    }
    for (; i < to; i++) {
      float gi = g[i] + coupled * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      p[i] = p[i] * shrink - stepSize * m[i] / ((float) Math.sqrt(v[i] * invBias2) + eps);
    }
    if (copy != null) {
      VectorReducedFloats.round(copyType, p, from, copy, from, to - from);
    }
  }

  @Override
  public void uniform(double a, double b, long seed, long offset, float[] out, int n) {
    split.run(n, (from, to) -> VectorPhilox.uniform(a, b, seed, offset, out, from, to, philoxBlock.get()));
  }

  @Override
  public void dropoutMask(float p, long seed, long offset, float[] out, int n) {
    long threshold = VectorPhilox.keepThreshold(DType.FLOAT32, p);
    float keep = (float) ElementMath.dropoutScale(p);
    split.run(n, (from, to) -> VectorPhilox.dropoutMask(p, threshold, keep, seed, offset, out, from, to,
        philoxBlock.get()));
  }

  @Override
  public void dropoutMask(DType type, float p, long seed, long offset, short[] out, int n) {
    long threshold = VectorPhilox.keepThreshold(type, p);
    short keep = ReducedFloats.toBits(type, (float) ElementMath.dropoutScale(p)); // the float32 scale, stored
    split.run(n, (from, to) -> VectorPhilox.dropoutMask16(type, p, threshold, keep, seed, offset, out, from, to,
        philoxBlock.get()));
  }

  @Override
  public void conv2d(Conv2dGeometry g, float[] x, float[] w, float[] bias, float[] y) {
    conv.conv2d(g, x, w, bias, y);
  }

  @Override
  public void conv2dBackwardInput(Conv2dGeometry g, float[] dy, float[] w, float[] dx) {
    conv.conv2dBackwardInput(g, dy, w, dx);
  }

  @Override
  public void conv2dBackwardWeight(Conv2dGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
    conv.conv2dBackwardWeight(g, x, dy, dw, dbias);
  }

  @Override
  public void maxPool2d(Pool2dGeometry g, float[] x, float[] y, int[] indices) {
    poolNorm.maxPool2d(g, x, y, indices);
  }

  @Override
  public void maxPool2dBackward(Pool2dGeometry g, int[] indices, float[] dy, float[] dx) {
    poolNorm.maxPool2dBackward(g, indices, dy, dx);
  }

  @Override
  public void batchNormStatistics(float[] x, int batch, int channels, int spatial, float[] mean, float[] var,
      double momentum, float[] runningMean, float[] runningVar) {
    poolNorm.batchNormStatistics(x, batch, channels, spatial, mean, var, momentum, runningMean, runningVar);
  }

  @Override
  public void batchNorm(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] y) {
    poolNorm.batchNorm(x, batch, channels, spatial, mean, var, eps, gamma, beta, y);
  }

  @Override
  public void batchNormBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] dy, float[] dx, float[] dgamma, float[] dbeta) {
    poolNorm.batchNormBackward(statistics, x, batch, channels, spatial, mean, var, eps, gamma, dy, dx, dgamma,
        dbeta);
  }

  @Override
  public void batchNormRelu(float[] x, int batch, int channels, int spatial, float[] mean, float[] var, double eps,
      float[] gamma, float[] beta, float[] residual, float[] y) {
    poolNorm.batchNormRelu(x, batch, channels, spatial, mean, var, eps, gamma, beta, residual, y);
  }

  @Override
  public void batchNormReluBackward(BatchNormStatistics statistics, float[] x, int batch, int channels, int spatial,
      float[] mean, float[] var, double eps, float[] gamma, float[] y, float[] dy, float[] dz, float[] dx,
      float[] dgamma, float[] dbeta) {
    poolNorm.batchNormReluBackward(statistics, x, batch, channels, spatial, mean, var, eps, gamma, y, dy, dz, dx,
        dgamma, dbeta);
  }

  @Override
  public void batchNormMaxPool2d(Pool2dGeometry g, float[] x, float[] mean, float[] var, double eps, float[] gamma,
      float[] beta, float[] y, int[] indices) {
    poolNorm.batchNormMaxPool2d(g, x, mean, var, eps, gamma, beta, y, indices);
  }

  @Override
  public void batchNormMaxPool2dBackward(BatchNormStatistics statistics, Pool2dGeometry g, float[] x, float[] mean,
      float[] var, double eps, float[] gamma, int[] indices, float[] dy, float[] dx, float[] dgamma, float[] dbeta) {
    poolNorm.batchNormMaxPool2dBackward(statistics, g, x, mean, var, eps, gamma, indices, dy, dx, dgamma, dbeta);
  }

  @Override
  public void close() {
    team.close();
  }

  // ---- the vector forms of the ops MLPs spend their time in; the rest run the scalar tail ----

  private static boolean hasVectorForm(UnaryOp op) {
    switch (op) {
      case RELU:
      case LEAKY_RELU:
      case IDENTITY:
      case NEG:
      case ADD_SCALAR:
      case MUL_SCALAR:
      case DROPOUT_MASK:
        return true;
      default:
        return false;
    }
  }

  private static FloatVector activate(UnaryOp op, float alpha, FloatVector x) {
    switch (op) {
      case RELU:
        // Blend rather than max(x, 0): NaN and −0 come out as the reference's x <= 0 ? 0 : x gives.
        return x.blend(FloatVector.zero(F), x.compare(VectorOperators.LE, 0f));
      case LEAKY_RELU:
        return x.mul(alpha).blend(x, x.compare(VectorOperators.GT, 0f));
      case NEG:
        return x.neg();
      case ADD_SCALAR:
        return x.add(alpha);
      case MUL_SCALAR:
        return x.mul(alpha);
      case DROPOUT_MASK:
        // u ≥ p ? 1/(1 − p) : 0, the keep scale computed in double as the reference's scalar form does.
        return FloatVector.zero(F).blend((float) ElementMath.dropoutScale(alpha), x.compare(VectorOperators.GE, alpha));
      default:
        return x;
    }
  }

  private static boolean hasVectorGradient(UnaryOp op) {
    switch (op) {
      case RELU:
      case LEAKY_RELU:
      case IDENTITY:
      case ADD_SCALAR:
      case NEG:
      case MUL_SCALAR:
      case SIGMOID:
      case TANH:
        return true;
      default:
        return false;
    }
  }

  /** dy·op'(saved) for the ops {@link #hasVectorGradient} accepts. */
  private static FloatVector gradient(UnaryOp op, float alpha, FloatVector saved, FloatVector dy) {
    switch (op) {
      case RELU:
        return dy.blend(FloatVector.zero(F), saved.compare(VectorOperators.LE, 0f));
      case LEAKY_RELU:
        return dy.mul(alpha).blend(dy, saved.compare(VectorOperators.GT, 0f));
      case NEG:
        return dy.neg();
      case MUL_SCALAR:
        return dy.mul(alpha);
      case SIGMOID:
        return dy.mul(saved).mul(saved.neg().add(1f));
      case TANH:
        return dy.mul(saved.mul(saved).neg().add(1f));
      default:
        return dy;
    }
  }

  private static boolean hasVectorForm(BinaryOp op) {
    switch (op) {
      case ADD:
      case SUB:
      case MUL:
      case DIV:
      case MAX:
      case MIN:
        return true;
      default:
        return false; // POW and the comparisons run the scalar loop
    }
  }

  /**
   * op(a, b) for the ops {@link #hasVectorForm(BinaryOp)} accepts. One named method per op, not {@code
   * lanewise(operator, …)} with the operator in a variable: C2 only intrinsifies a constant operator, and the generic
   * fallback boxed every vector (15 MB of garbage per training step, a quarter of its time, in weight-gradient sums).
   */
  private static FloatVector combine(BinaryOp op, FloatVector a, FloatVector b) {
    switch (op) {
      case ADD:
        return a.add(b);
      case SUB:
        return a.sub(b);
      case MUL:
        return a.mul(b);
      case DIV:
        return a.div(b);
      case MAX:
        return a.max(b);
      default:
        return a.min(b);
    }
  }
}
