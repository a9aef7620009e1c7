package io.jgrad.cpu;

import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.LeakDetection;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.internal.Philox;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.spi.ReduceOp;

/**
 * "cpu-scalar": every kernel as the plainest loop that computes it, in double, for float32 and float64 alike. It is
 * the reference the other backends are compared with, so clarity wins over speed in every method here.
 */
public final class CpuScalarBackend extends ArrayBackend {

  public CpuScalarBackend() {
    this(new BackendOptions(1));
  }

  /** Takes the leak detection level from {@code options}; the loops run on the calling thread. */
  public CpuScalarBackend(BackendOptions options) {
    this(new ArrayPool(), options.leakDetection());
  }

  /**
   * Shares {@code pool} with a faster backend that hands some kernels (float64, rare ones) to this one. Its tensors
   * are the other backend's, so it watches for none.
   */
  CpuScalarBackend(ArrayPool pool) {
    this(pool, LeakDetection.OFF);
  }

  private CpuScalarBackend(ArrayPool pool, LeakDetection leakDetection) {
    super(pool, leakDetection);
    this.cnn = new CnnBuffers(this);
  }

  private final CnnBuffers cnn;

  @Override
  public String name() {
    return "cpu-scalar";
  }

  @Override
  public String describe() {
    return "cpu-scalar: plain-loop reference kernels, one thread, float32 and float64";
  }

  // ---- GEMM ----

  @Override
  public void gemm(GemmArgs g) {
    CpuBuffer[] operands = gemmOperands("gemm", g);
    CpuBuffer ca = operands[0];
    CpuBuffer cb = operands[1];
    CpuBuffer cc = operands[2];
    int m = g.m();
    int n = g.n();
    int k = g.k();
    for (int bi = 0; bi < g.batch(); bi++) {
      int offA = (int) (bi * g.strideA());
      int offB = (int) (bi * g.strideB());
      int offC = (int) (bi * g.strideC());
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            double aip = ca.get(offA + (g.transA() ? p * m + i : i * k + p)); // A is K×M when transposed
            double bpj = cb.get(offB + (g.transB() ? j * k + p : p * n + j)); // B is N×K when transposed
            sum += aip * bpj;
          }
          int ij = offC + i * n + j;
          // beta = 0 must ignore C entirely: 0·NaN would be NaN.
          cc.set(ij, g.alpha() * sum + (g.beta() == 0 ? 0.0 : g.beta() * cc.get(ij)));
        }
      }
    }
  }

  /** Checks every GEMM argument; returns A, B, C as CpuBuffers of one floating dtype (C float32 for 16-bit A, B). */
  final CpuBuffer[] gemmOperands(String kernel, GemmArgs g) {
    int batch = g.batch();
    int m = g.m();
    int n = g.n();
    int k = g.k();
    Buffer c = g.c();
    if (batch < 0 || m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          kernel + ": negative size (batch " + batch + ", m " + m + ", n " + n + ", k " + k + ")");
    }
    CpuBuffer ca = floating(kernel, "A", g.a());
    CpuBuffer cb = ofType(kernel, "B", g.b(), ca.dtype());
    CpuBuffer cc = ca.dtype().isReduced() && c != null && c.dtype() == DType.FLOAT32
        ? ofType(kernel, "C", c, DType.FLOAT32)
        : ofType(kernel, "C", c, ca.dtype());
    fitsBatch(kernel, "A", ca, batch, g.strideA(), m, k);
    fitsBatch(kernel, "B", cb, batch, g.strideB(), k, n);
    fitsBatch(kernel, "C", cc, batch, g.strideC(), m, n);
    return new CpuBuffer[] {ca, cb, cc};
  }

  // ---- element-wise ----

  @Override
  public void unary(UnaryOp op, double alpha, Buffer x, Buffer y) {
    CpuBuffer cx = floating("unary", "x", x);
    CpuBuffer cy = matching("unary", "y", y, cx, cx.length());
    for (int i = 0; i < cx.size(); i++) {
      cy.set(i, ElementMath.unary(op, alpha, cx.get(i)));
    }
  }

  @Override
  public void unaryBackward(UnaryOp op, double alpha, Buffer saved, Buffer dy, Buffer dx) {
    CpuBuffer cdy = floating("unaryBackward", "dy", dy);
    CpuBuffer cdx = matching("unaryBackward", "dx", dx, cdy, cdy.length());
    CpuBuffer cs = savedOperand("unaryBackward", op, saved, cdy);
    for (int i = 0; i < cdy.size(); i++) {
      double s = cs == null ? 0.0 : cs.get(i);
      cdx.set(i, ElementMath.gradient(op, alpha, s, cdy.get(i)));
    }
  }

  /** The saved tensor unaryBackward needs, or null when the op saves nothing. */
  final CpuBuffer savedOperand(String kernel, UnaryOp op, Buffer saved, CpuBuffer dy) {
    if (op == UnaryOp.DROPOUT_MASK) {
      throw new IllegalArgumentException(kernel + ": DROPOUT_MASK has no gradient");
    }
    if (op.saves() == UnaryOp.Saves.NOTHING) {
      return null;
    }
    if (saved == null) {
      throw new IllegalArgumentException(kernel + ": " + op + " needs its saved " + op.saves().name().toLowerCase());
    }
    return matching(kernel, "saved", saved, dy, dy.length());
  }

  @Override
  public void binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Buffer out, Shape outShape) {
    CpuBuffer[] operands = binaryOperands(a, aShape, b, bShape, out, outShape);
    CpuBuffer ca = operands[0];
    CpuBuffer cb = operands[1];
    CpuBuffer co = operands[2];
    long[] sa = aShape.broadcastStrides(outShape);
    long[] sb = bShape.broadcastStrides(outShape);
    int[] dims = outShape.dims();
    for (int o = 0; o < co.size(); o++) {
      // Walk o's coordinates from the last dimension, summing each operand's offset along the way.
      long ia = 0;
      long ib = 0;
      int rest = o;
      for (int d = dims.length - 1; d >= 0; d--) {
        int coord = rest % dims[d];
        rest /= dims[d];
        ia += coord * sa[d];
        ib += coord * sb[d];
      }
      co.set(o, ElementMath.binary(op, ca.get((int) ia), cb.get((int) ib)));
    }
  }

  /** Checks binary's arguments; returns a, b, out as CpuBuffers of one floating dtype. */
  final CpuBuffer[] binaryOperands(Buffer a, Shape aShape, Buffer b, Shape bShape, Buffer out, Shape outShape) {
    CpuBuffer ca = floating("binary", "a", a);
    CpuBuffer cb = ofType("binary", "b", b, ca.dtype());
    CpuBuffer co = matching("binary", "out", out, ca, outShape.size());
    broadcastable("binary", "a", ca, aShape, outShape);
    broadcastable("binary", "b", cb, bShape, outShape);
    return new CpuBuffer[] {ca, cb, co};
  }

  @Override
  public void biasActivation(UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer y, int rows, int cols) {
    BiasForwardBuffers b = biasForwardBuffers(act, x, bias, y, rows, cols);
    CpuBuffer cx = b.x();
    CpuBuffer cbias = b.bias();
    CpuBuffer cy = b.y();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        cy.set(i, ElementMath.unary(act, alpha, cx.get(i) + cbias.get(c)));
      }
    }
  }

  @Override
  public void biasActivationBackward(
      UnaryOp act, double alpha, Buffer y, Buffer dy, Buffer dx, Buffer dbias, int rows, int cols) {
    BiasBackwardBuffers b = biasBackwardBuffers(act, y, dy, dx, dbias, rows, cols);
    CpuBuffer cy = b.y();
    CpuBuffer cdy = b.dy();
    CpuBuffer cdx = b.dx();
    CpuBuffer cdb = b.dbias();
    double[] sums = new double[cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        double g = ElementMath.gradient(act, alpha, cy.get(i), cdy.get(i));
        cdx.set(i, g);
        sums[c] += g;
      }
    }
    for (int c = 0; c < cols; c++) {
      cdb.set(c, sums[c]);
    }
  }

  // ---- reductions ----

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int n, int inner, Buffer out) {
    CpuBuffer cx = floating("reduce", "x", x);
    reduceShape(op, cx, outer, n, inner);
    CpuBuffer co = matching("reduce", "out", out, cx, (long) outer * inner);
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * n * inner + in;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int j = 0; j < n; j++) {
          double v = cx.get(base + j * inner);
          sum += v;
          // As torch.max: NaN beats every number, and the first NaN stays (v > NaN is false).
          if (v > max || j == 0 || (Double.isNaN(v) && !Double.isNaN(max))) {
            max = v;
            argmax = j;
          }
        }
        double result;
        switch (op) {
          case SUM:
            result = sum;
            break;
          case MEAN:
            result = sum / n;
            break;
          case MAX:
            result = max;
            break;
          default:
            result = argmax;
        }
        co.set(o * inner + in, result);
      }
    }
  }

  /**
   * x must hold outer·n·inner elements. Max and argmax of nothing are undefined (torch.max refuses them too); the sum
   * of nothing is 0 and its mean 0/0 = NaN, as torch.empty(0, 3).mean(0) gives.
   */
  static void reduceShape(ReduceOp op, CpuBuffer x, int outer, int n, int inner) {
    if (outer < 0 || n < 0 || inner < 0 || (long) outer * n * inner != x.length()) {
      throw new IllegalArgumentException(
          "reduce: [" + outer + ", " + n + ", " + inner + "] does not describe x of " + x.length() + " elements");
    }
    if (n == 0 && (op == ReduceOp.MAX || op == ReduceOp.ARGMAX)) {
      throw new IllegalArgumentException("reduce: " + op + " over an empty axis");
    }
  }

  // ---- convolutional networks: the loops are in CnnReference ----

  @Override
  public void conv2d(Conv2dGeometry g, Buffer x, Buffer weight, Buffer bias, Buffer y) {
    CpuBuffer[] b = cnn.conv2d(g, x, weight, bias, y);
    CnnReference.conv2d(g, b[0], b[1], b[2], b[3]);
  }

  @Override
  public void conv2dBackwardInput(Conv2dGeometry g, Buffer dy, Buffer weight, Buffer dx) {
    CpuBuffer[] b = cnn.conv2dBackwardInput(g, dy, weight, dx);
    CnnReference.conv2dBackwardInput(g, b[0], b[1], b[2]);
  }

  @Override
  public void conv2dBackwardWeight(Conv2dGeometry g, Buffer x, Buffer dy, Buffer dweight, Buffer dbias) {
    CpuBuffer[] b = cnn.conv2dBackwardWeight(g, x, dy, dweight, dbias);
    CnnReference.conv2dBackwardWeight(g, b[0], b[1], b[2], b[3]);
  }

  @Override
  public void maxPool2d(Pool2dGeometry g, Buffer x, Buffer y, Buffer indices) {
    CpuBuffer[] b = cnn.maxPool2d("maxPool2d", g, x, y, indices);
    CnnReference.maxPool2d(g, b[0], b[1], b[2]);
  }

  @Override
  public void maxPool2dBackward(Pool2dGeometry g, Buffer indices, Buffer dy, Buffer dx) {
    CpuBuffer[] b = cnn.maxPool2dBackward("maxPool2dBackward", g, indices, dy, dx);
    CnnReference.maxPool2dBackward(g, b[0], b[1], b[2]);
  }

  @Override
  public void avgPool2d(Pool2dGeometry g, Buffer x, Buffer y) {
    CpuBuffer[] b = cnn.avgPool2d("avgPool2d", g, x, g.inputSize(), y, g.outputSize());
    CnnReference.avgPool2d(g, b[0], b[1]);
  }

  @Override
  public void avgPool2dBackward(Pool2dGeometry g, Buffer dy, Buffer dx) {
    CpuBuffer[] b = cnn.avgPool2d("avgPool2dBackward", g, dy, g.outputSize(), dx, g.inputSize());
    CnnReference.avgPool2dBackward(g, b[0], b[1]);
  }

  @Override
  public void batchNormStatistics(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var,
      double momentum, Buffer runningMean, Buffer runningVar) {
    CpuBuffer[] b = cnn.batchNormStatistics(x, batch, channels, spatial, mean, var, runningMean, runningVar);
    CnnReference.batchNormStatistics(b[0], batch, channels, spatial, b[1], b[2], momentum, b[3], b[4]);
  }

  @Override
  public void batchNorm(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps,
      Buffer gamma, Buffer beta, Buffer y) {
    CpuBuffer[] b = cnn.batchNorm("batchNorm", x, batch, channels, spatial,
        new String[] {"mean", "var", "gamma", "beta"}, mean, var, gamma, beta);
    CpuBuffer cy = cnn.sameAsX("batchNorm", "y", y, b[0]);
    CnnReference.batchNorm(b[0], batch, channels, spatial, b[1], b[2], eps, b[3], b[4], cy);
  }

  @Override
  public void batchNormBackward(BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial,
      Buffer mean, Buffer var, double eps, Buffer gamma, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
    String kernel = "batchNormBackward";
    CpuBuffer[] b = cnn.batchNorm(kernel, x, batch, channels, spatial,
        new String[] {"mean", "var", "gamma", "dgamma", "dbeta"}, mean, var, gamma, dgamma, dbeta);
    CpuBuffer cdy = cnn.sameAsX(kernel, "dy", dy, b[0]);
    CpuBuffer cdx = cnn.sameAsX(kernel, "dx", dx, b[0]);
    CnnReference.batchNormBackward(statistics, b[0], batch, channels, spatial, b[1], b[2], eps, b[3], cdy, cdx, b[4],
        b[5]);
  }

  // ---- fused loss ----

  @Override
  public void softmaxCrossEntropy(
      Buffer logits, Buffer labels, int rows, int cols, double smoothing, Buffer probs, Buffer loss) {
    CpuBuffer cz = floating("softmaxCrossEntropy", "logits", logits);
    matching("softmaxCrossEntropy", "logits", logits, cz, (long) rows * cols);
    int[] lab = labels("softmaxCrossEntropy", labels, rows, cols);
    CpuBuffer cp = matching("softmaxCrossEntropy", "probs", probs, cz, (long) rows * cols);
    CpuBuffer cl = matching("softmaxCrossEntropy", "loss", loss, cz, rows);
    double[] e = new double[cols];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      // Max-subtracted so that exp never overflows (logits of ±1e4 stay finite).
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, cz.get(base + c));
      }
      double sumExp = 0;
      for (int c = 0; c < cols; c++) {
        e[c] = Math.exp(cz.get(base + c) - max);
        sumExp += e[c];
      }
      double logSum = Math.log(sumExp);
      double l = 0;
      for (int c = 0; c < cols; c++) {
        // p as e/Σe, the exp already taken (one exp an element, not two: they were nearly all of the kernel's time).
        cp.set(base + c, e[c] / sumExp);
        // log p from the shifted logit, never log(p): p underflows to 0 where log p is merely very negative.
        double logP = cz.get(base + c) - max - logSum;
        double t = target(lab[r], c, cols, smoothing);
        // Skipped, not multiplied, where the target is 0 (every class but the label when s = 0): a −inf logit has
        // log p = −inf and 0·−inf would make the loss NaN, where PyTorch (and the CUDA kernel) give a finite one.
        if (t != 0) {
          l -= t * logP;
        }
      }
      cl.set(r, l);
    }
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Buffer probs, Buffer labels, Buffer dloss, int rows, int cols, double smoothing, Buffer dlogits) {
    CpuBuffer cp = floating("softmaxCrossEntropyBackward", "probs", probs);
    matching("softmaxCrossEntropyBackward", "probs", probs, cp, (long) rows * cols);
    int[] lab = labels("softmaxCrossEntropyBackward", labels, rows, cols);
    CpuBuffer cdl = matching("softmaxCrossEntropyBackward", "dloss", dloss, cp, rows);
    CpuBuffer cdz = matching("softmaxCrossEntropyBackward", "dlogits", dlogits, cp, (long) rows * cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        cdz.set(i, cdl.get(r) * (cp.get(i) - target(lab[r], c, cols, smoothing)));
      }
    }
  }

  /** t[c] = (1 − s)·[c == label] + s/C. */
  static double target(int label, int c, int cols, double smoothing) {
    return (c == label ? 1.0 - smoothing : 0.0) + smoothing / cols;
  }

  /** The INT32 labels, each checked to lie in [0, cols). */
  final int[] labels(String kernel, Buffer labels, int rows, int cols) {
    if (rows < 0 || cols < 1) {
      throw new IllegalArgumentException(kernel + ": " + rows + " rows of " + cols + " classes");
    }
    CpuBuffer cl = ofType(kernel, "labels", labels, DType.INT32);
    if (cl.length() != rows) {
      throw new IllegalArgumentException(kernel + ": labels has " + cl.length() + " elements, expected " + rows);
    }
    int[] lab = cl.ints();
    for (int r = 0; r < rows; r++) {
      if (lab[r] < 0 || lab[r] >= cols) {
        throw new IllegalArgumentException(
            kernel + ": label " + lab[r] + " in row " + r + " is outside [0, " + cols + ")");
      }
    }
    return lab;
  }

  // ---- optimizer steps ----

  @Override
  public void sgdStep(
      Buffer param,
      Buffer paramCopy,
      Buffer grad,
      Buffer velocity,
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean firstStep) {
    CpuBuffer p = floating("sgdStep", "param", param);
    CpuBuffer copy = paramCopy("sgdStep", paramCopy, p);
    CpuBuffer g = matching("sgdStep", "grad", grad, p, p.length());
    CpuBuffer v = momentum == 0 ? null : matching("sgdStep", "velocity", velocity, p, p.length());
    for (int i = 0; i < p.size(); i++) {
      double gi = g.get(i) + weightDecay * p.get(i);
      if (v != null) {
        double vi = firstStep ? gi : momentum * v.get(i) + (1 - dampening) * gi;
        v.set(i, vi);
        gi = nesterov ? gi + momentum * vi : vi;
      }
      p.set(i, p.get(i) - lr * gi);
      if (copy != null) {
        copy.set(i, p.get(i)); // the stored float32 master, rounded once
      }
    }
  }

  @Override
  public void adamStep(
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
      long step) {
    CpuBuffer p = floating("adamStep", "param", param);
    CpuBuffer copy = paramCopy("adamStep", paramCopy, p);
    CpuBuffer g = matching("adamStep", "grad", grad, p, p.length());
    CpuBuffer cm = matching("adamStep", "m", m, p, p.length());
    CpuBuffer cv = matching("adamStep", "v", v, p, p.length());
    if (step < 1) {
      throw new IllegalArgumentException("adamStep: step is 1-based, got " + step);
    }
    double bias1 = 1 - Math.pow(beta1, step);
    double bias2 = 1 - Math.pow(beta2, step);
    for (int i = 0; i < p.size(); i++) {
      double pi = p.get(i);
      double gi = g.get(i);
      if (decoupled) {
        pi -= lr * weightDecay * pi;
      } else {
        gi += weightDecay * pi;
      }
      double mi = beta1 * cm.get(i) + (1 - beta1) * gi;
      double vi = beta2 * cv.get(i) + (1 - beta2) * gi * gi;
      cm.set(i, mi);
      cv.set(i, vi);
      p.set(i, pi - lr * (mi / bias1) / (Math.sqrt(vi / bias2) + eps));
      if (copy != null) {
        copy.set(i, p.get(i)); // the stored float32 master, rounded once
      }
    }
  }

  // ---- random ----

  @Override
  public void random(Distribution dist, double a, double b, long seed, long offset, Buffer out) {
    CpuBuffer co = floating("random", "out", out);
    for (int i = 0; i < co.size(); i++) {
      co.set(i, Philox.sample(dist, a, b, seed, offset + i));
    }
  }
}
