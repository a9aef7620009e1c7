package io.jgrad.cpu;

import io.jgrad.BackendOptions;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.spi.ReduceOp;
import io.jgrad.spi.StepGuard;
import java.util.List;

/**
 * "cpu": the float32 kernels MLP training spends its time in run as SIMD {@link FloatKernels} (a packed,
 * multithreaded GEMM; element-wise, bias+activation, row sums, optimizer steps); float64 and the rare or tiny kernels
 * (softmax-CE over a few classes, general broadcasting, random) go to the reference loops of {@link
 * CpuScalarBackend}, which shares this backend's array pool. Without jdk.incubator.vector every kernel runs the
 * reference loops, and {@link VectorApiNotice} says so (or refuses, as {@link BackendOptions#slowPath()} asks).
 */
public final class CpuBackend extends ArrayBackend {
  private final CpuScalarBackend reference;
  private final CnnBuffers cnn;
  /** Null when the Vector API is absent: then every kernel runs the reference loops. */
  private final FloatKernels simd;

  public CpuBackend(BackendOptions options) {
    this(options, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
  }

  /** @param vectorApi whether to use the SIMD kernels (tests force false to check the fallback) */
  CpuBackend(BackendOptions options, boolean vectorApi) {
    super(new ArrayPool(), options.leakDetection());
    this.reference = new CpuScalarBackend(pool());
    this.cnn = new CnnBuffers(this);
    if (!vectorApi) {
      VectorApiNotice.absent(options.slowPath());
    }
    // Named only here, behind the check, so VectorKernels (and the incubator classes) never load without the module.
    this.simd = vectorApi ? new VectorKernels(options.threads()) : null;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String describe() {
    return simd == null
        ? "cpu: plain loops (jdk.incubator.vector is absent; " + VectorApiNotice.FLAG + " enables the SIMD kernels)"
        : "cpu: SIMD kernels (jdk.incubator.vector, " + simd + ") for float32, bf16 and fp16 (widened to float32); float64 on plain loops";
  }

  /** Whether this kernel call runs in SIMD: float32 buffers with the Vector API present. */
  private boolean fast(CpuBuffer b) {
    return simd != null && b.dtype() == DType.FLOAT32;
  }

  /** Whether this 16-bit kernel call runs the SIMD float32 kernel on staged copies ({@link Float32Staging}). */
  private boolean staged(CpuBuffer b) {
    return simd != null && b.dtype().isReduced();
  }

  @Override
  public void gemm(GemmArgs g) {
    CpuBuffer[] ops = reference.gemmOperands("gemm", g);
    if (simd != null && ops[0].dtype().isReduced()) {
      gemm16(g.transA(), g.transB(), g.batch(), g.m(), g.n(), g.k(), (float) g.alpha(), ops, g.strideA(), g.strideB(),
          (float) g.beta(), g.strideC());
      return;
    }
    if (!fast(ops[0])) {
      reference.gemm(g);
      return;
    }
    for (int i = 0; i < g.batch(); i++) {
      simd.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), (float) g.alpha(), ops[0].floats(),
          (int) (i * g.strideA()), ops[1].floats(), (int) (i * g.strideB()), (float) g.beta(), ops[2].floats(),
          (int) (i * g.strideC()));
    }
  }

  /**
   * 16-bit A and B through the float32 kernel, widened as they are packed. A 16-bit C goes through a float32 matrix
   * (widened first when beta reads it) and is rounded once at the end, as the contract asks.
   */
  private void gemm16(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, CpuBuffer[] ops,
      long strideA, long strideB, float beta, long strideC) {
    DType type = ops[0].dtype();
    CpuBuffer c = ops[2];
    if (c.dtype() == DType.FLOAT32) {
      for (int i = 0; i < batch; i++) {
        simd.gemm(type, transA, transB, m, n, k, alpha, ops[0].shorts(), (int) (i * strideA), ops[1].shorts(),
            (int) (i * strideB), beta, c.floats(), (int) (i * strideC));
      }
      return;
    }
    CpuBuffer scratch = pool().allocate(DType.FLOAT32, (long) m * n);
    try {
      float[] out = scratch.floats();
      for (int i = 0; i < batch; i++) {
        int offC = (int) (i * strideC);
        if (beta != 0) {
          simd.widen(c.dtype(), c.shorts(), offC, out, 0, m * n);
        }
        simd.gemm(type, transA, transB, m, n, k, alpha, ops[0].shorts(), (int) (i * strideA), ops[1].shorts(),
            (int) (i * strideB), beta, out, 0);
        simd.round(c.dtype(), out, 0, c.shorts(), offC, m * n);
      }
    } finally {
      pool().release(scratch);
    }
  }

  /** float32 ↔ 16 bits in one vector pass each ({@link FloatKernels#round}, {@link FloatKernels#widen}). */
  @Override
  public void cast(Buffer src, Buffer dst) {
    if (owned("cast", "src", src).dtype() == DType.INT32) {
      super.cast(src, dst); // labels: a batch's worth, once per evaluation batch
      return;
    }
    CpuBuffer s = floating("cast", "src", src);
    CpuBuffer d = floating("cast", "dst", dst);
    if (simd == null || s.length() != d.length() || s.dtype().isReduced() == d.dtype().isReduced()
        || (s.dtype() != DType.FLOAT32 && d.dtype() != DType.FLOAT32)) {
      super.cast(src, dst); // float64, equal kinds, and the length error
    } else if (d.dtype().isReduced()) {
      simd.round(d.dtype(), s.floats(), 0, d.shorts(), 0, s.size());
    } else {
      simd.widen(s.dtype(), s.shorts(), 0, d.floats(), 0, s.size());
    }
  }

  @Override
  public void unary(UnaryOp op, double alpha, Buffer x, Buffer y) {
    CpuBuffer cx = floating("unary", "x", x);
    CpuBuffer cy = matching("unary", "y", y, cx, cx.length());
    if (staged(cx)) {
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.unary(op, (float) alpha, f.in(cx), f.out(cy), cx.size());
      }
      return;
    }
    if (!fast(cx)) {
      reference.unary(op, alpha, x, y);
      return;
    }
    simd.unary(op, (float) alpha, cx.floats(), cy.floats(), cx.size());
  }

  @Override
  public void unaryBackward(UnaryOp op, double alpha, Buffer saved, Buffer dy, Buffer dx) {
    CpuBuffer cdy = floating("unaryBackward", "dy", dy);
    CpuBuffer cdx = matching("unaryBackward", "dx", dx, cdy, cdy.length());
    CpuBuffer cs = reference.savedOperand("unaryBackward", op, saved, cdy);
    if (staged(cdy)) {
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.unaryBackward(op, (float) alpha, f.in(cs), f.in(cdy), f.out(cdx), cdy.size());
      }
      return;
    }
    if (!fast(cdy)) {
      reference.unaryBackward(op, alpha, saved, dy, dx);
      return;
    }
    simd.unaryBackward(op, (float) alpha, cs == null ? null : cs.floats(), cdy.floats(), cdx.floats(), cdy.size());
  }

  @Override
  public void binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Buffer out, Shape outShape) {
    CpuBuffer[] operands = reference.binaryOperands(a, aShape, b, bShape, out, outShape);
    CpuBuffer ca = operands[0];
    CpuBuffer cb = operands[1];
    CpuBuffer co = operands[2];
    boolean same = aShape.equals(outShape) && bShape.equals(outShape);
    int cols = outShape.rank() == 0 ? 1 : outShape.dim(-1);
    // A bias row: b has the last dimension of out and is 1 (or absent) everywhere else.
    boolean row = aShape.equals(outShape) && bShape.size() == cols && bShape.rank() > 0 && bShape.dim(-1) == cols;
    if (!(fast(ca) || staged(ca)) || !(same || row)) {
      reference.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    int rows = (int) (outShape.size() / Math.max(cols, 1));
    if (staged(ca)) {
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.binary(op, f.in(ca), f.in(cb), !same, f.out(co), rows, cols);
      }
      return;
    }
    simd.binary(op, ca.floats(), cb.floats(), !same, co.floats(), rows, cols);
  }

  @Override
  public void biasActivation(UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer y, int rows, int cols) {
    epilogue(act, alpha, x, bias, null, y, rows, cols);
  }

  @Override
  public void biasActivationMasked(
      UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer mask, Buffer z, int rows, int cols) {
    epilogue(act, alpha, x, bias, mask, z, rows, cols);
  }

  /** biasActivation, times the mask in the same pass unless mask is null. */
  private void epilogue(UnaryOp act, double alpha, Buffer x, Buffer bias, Buffer mask, Buffer y, int rows, int cols) {
    BiasForwardBuffers b = biasForwardBuffers(act, x, bias, y, rows, cols);
    CpuBuffer m = mask == null ? null : maskBuffer("biasActivationMasked", act, mask, b.x(), rows, cols);
    if (staged(b.x())) {
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.biasActivation(act, (float) alpha, f.in(b.x()), f.in(b.bias()), m == null ? null : f.in(m), f.out(b.y()),
            rows, cols);
      }
      return;
    }
    if (!fast(b.x())) {
      if (m == null) {
        reference.biasActivation(act, alpha, x, bias, y, rows, cols);
      } else {
        reference.biasActivationMasked(act, alpha, x, bias, mask, y, rows, cols);
      }
      return;
    }
    simd.biasActivation(act, (float) alpha, b.x().floats(), b.bias().floats(), m == null ? null : m.floats(),
        b.y().floats(), rows, cols);
  }

  @Override
  public void biasActivationBackward(UnaryOp act, double alpha, Buffer y, Buffer dy, Buffer dx, Buffer dbias,
      int rows, int cols) {
    epilogueBackward(act, alpha, y, null, dy, dx, dbias, rows, cols);
  }

  @Override
  public void biasActivationMaskedBackward(
      UnaryOp act, double alpha, Buffer z, Buffer mask, Buffer dz, Buffer dx, Buffer dbias, int rows, int cols) {
    epilogueBackward(act, alpha, z, mask, dz, dx, dbias, rows, cols);
  }

  /** biasActivationBackward, dy taken times the mask in the same pass unless mask is null. */
  private void epilogueBackward(UnaryOp act, double alpha, Buffer y, Buffer mask, Buffer dy, Buffer dx, Buffer dbias,
      int rows, int cols) {
    BiasBackwardBuffers b = biasBackwardBuffers(act, y, dy, dx, dbias, rows, cols);
    CpuBuffer m = mask == null ? null : maskBuffer("biasActivationMaskedBackward", act, mask, b.y(), rows, cols);
    if (staged(b.y())) {
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.biasActivationBackward(act, (float) alpha, f.in(b.y()), m == null ? null : f.in(m), f.in(b.dy()),
            f.out(b.dx()), f.out(b.dbias()), rows, cols);
      }
      return;
    }
    if (!fast(b.y())) {
      if (m == null) {
        reference.biasActivationBackward(act, alpha, y, dy, dx, dbias, rows, cols);
      } else {
        reference.biasActivationMaskedBackward(act, alpha, y, mask, dy, dx, dbias, rows, cols);
      }
      return;
    }
    simd.biasActivationBackward(act, (float) alpha, b.y().floats(), m == null ? null : m.floats(), b.dy().floats(),
        b.dx().floats(), b.dbias().floats(), rows, cols);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int n, int inner, Buffer out) {
    CpuBuffer cx = floating("reduce", "x", x);
    CpuScalarBackend.reduceShape(op, cx, outer, n, inner);
    CpuBuffer co = matching("reduce", "out", out, cx, (long) outer * inner);
    boolean rowSums = inner == 1 && (op == ReduceOp.SUM || op == ReduceOp.MEAN);
    if (!fast(cx) || !rowSums || n == 0) {
      reference.reduce(op, x, outer, n, inner, out);
      return;
    }
    simd.rowSums(cx.floats(), co.floats(), outer, n, op == ReduceOp.MEAN);
  }

  // ---- convolutional networks: float32 in ConvKernels and PoolNormKernels, average pooling and float64 in the
  // reference loops ----

  @Override
  public void conv2d(Conv2dGeometry g, Buffer x, Buffer weight, Buffer bias, Buffer y) {
    CpuBuffer[] b = cnn.conv2d(g, x, weight, bias, y);
    if (!fast(b[0])) {
      reference.conv2d(g, x, weight, bias, y);
      return;
    }
    simd.conv2d(g, b[0].floats(), b[1].floats(), b[2] == null ? null : b[2].floats(), b[3].floats());
  }

  @Override
  public void conv2dBackwardInput(Conv2dGeometry g, Buffer dy, Buffer weight, Buffer dx) {
    CpuBuffer[] b = cnn.conv2dBackwardInput(g, dy, weight, dx);
    if (!fast(b[0])) {
      reference.conv2dBackwardInput(g, dy, weight, dx);
      return;
    }
    simd.conv2dBackwardInput(g, b[0].floats(), b[1].floats(), b[2].floats());
  }

  @Override
  public void conv2dBackwardWeight(Conv2dGeometry g, Buffer x, Buffer dy, Buffer dweight, Buffer dbias) {
    CpuBuffer[] b = cnn.conv2dBackwardWeight(g, x, dy, dweight, dbias);
    if (!fast(b[0])) {
      reference.conv2dBackwardWeight(g, x, dy, dweight, dbias);
      return;
    }
    simd.conv2dBackwardWeight(g, b[0].floats(), b[1].floats(), b[2].floats(), b[3] == null ? null : b[3].floats());
  }

  @Override
  public void maxPool2d(Pool2dGeometry g, Buffer x, Buffer y, Buffer indices) {
    CpuBuffer[] b = cnn.maxPool2d("maxPool2d", g, x, y, indices);
    if (!fast(b[0])) {
      reference.maxPool2d(g, x, y, indices);
      return;
    }
    simd.maxPool2d(g, b[0].floats(), b[1].floats(), b[2].ints());
  }

  @Override
  public void maxPool2dBackward(Pool2dGeometry g, Buffer indices, Buffer dy, Buffer dx) {
    CpuBuffer[] b = cnn.maxPool2dBackward("maxPool2dBackward", g, indices, dy, dx);
    if (!fast(b[1])) {
      reference.maxPool2dBackward(g, indices, dy, dx);
      return;
    }
    simd.maxPool2dBackward(g, b[0].ints(), b[1].floats(), b[2].floats());
  }

  @Override
  public void avgPool2d(Pool2dGeometry g, Buffer x, Buffer y) {
    reference.avgPool2d(g, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dGeometry g, Buffer dy, Buffer dx) {
    reference.avgPool2dBackward(g, dy, dx);
  }

  @Override
  public void batchNormStatistics(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var,
      double momentum, Buffer runningMean, Buffer runningVar) {
    CpuBuffer[] b = cnn.batchNormStatistics(x, batch, channels, spatial, mean, var, runningMean, runningVar);
    if (!fast(b[0])) {
      reference.batchNormStatistics(x, batch, channels, spatial, mean, var, momentum, runningMean, runningVar);
      return;
    }
    simd.batchNormStatistics(b[0].floats(), batch, channels, spatial, b[1].floats(), b[2].floats(), momentum,
        b[3] == null ? null : b[3].floats(), b[4] == null ? null : b[4].floats());
  }

  @Override
  public void batchNorm(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps,
      Buffer gamma, Buffer beta, Buffer y) {
    CpuBuffer[] b = cnn.batchNorm("batchNorm", x, batch, channels, spatial,
        new String[] {"mean", "var", "gamma", "beta"}, mean, var, gamma, beta);
    CpuBuffer cy = cnn.sameAsX("batchNorm", "y", y, b[0]);
    if (!fast(b[0])) {
      reference.batchNorm(x, batch, channels, spatial, mean, var, eps, gamma, beta, y);
      return;
    }
    simd.batchNorm(b[0].floats(), batch, channels, spatial, b[1].floats(), b[2].floats(), eps, b[3].floats(),
        b[4].floats(), cy.floats());
  }

  @Override
  public void batchNormRelu(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var, double eps,
      Buffer gamma, Buffer beta, Buffer residual, Buffer y) {
    String kernel = "batchNormRelu";
    CpuBuffer[] b = cnn.batchNorm(kernel, x, batch, channels, spatial, new String[] {"mean", "var", "gamma", "beta"},
        mean, var, gamma, beta);
    CpuBuffer cr = residual == null ? null : cnn.sameAsX(kernel, "residual", residual, b[0]);
    CpuBuffer cy = cnn.sameAsX(kernel, "y", y, b[0]);
    if (!fast(b[0])) {
      super.batchNormRelu(x, batch, channels, spatial, mean, var, eps, gamma, beta, residual, y);
      return;
    }
    simd.batchNormRelu(b[0].floats(), batch, channels, spatial, b[1].floats(), b[2].floats(), eps, b[3].floats(),
        b[4].floats(), cr == null ? null : cr.floats(), cy.floats());
  }

  @Override
  public void batchNormReluBackward(BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial,
      Buffer mean, Buffer var, double eps, Buffer gamma, Buffer y, Buffer dy, Buffer dz, Buffer dx, Buffer dgamma,
      Buffer dbeta) {
    String kernel = "batchNormReluBackward";
    CpuBuffer[] b = cnn.batchNorm(kernel, x, batch, channels, spatial,
        new String[] {"mean", "var", "gamma", "dgamma", "dbeta"}, mean, var, gamma, dgamma, dbeta);
    CpuBuffer[] planes = {cnn.sameAsX(kernel, "y", y, b[0]), cnn.sameAsX(kernel, "dy", dy, b[0]),
      cnn.sameAsX(kernel, "dz", dz, b[0]), cnn.sameAsX(kernel, "dx", dx, b[0])};
    if (!fast(b[0])) {
      super.batchNormReluBackward(statistics, x, batch, channels, spatial, mean, var, eps, gamma, y, dy, dz, dx,
          dgamma, dbeta);
      return;
    }
    simd.batchNormReluBackward(statistics, b[0].floats(), batch, channels, spatial, b[1].floats(), b[2].floats(),
        eps, b[3].floats(), planes[0].floats(), planes[1].floats(), planes[2].floats(), planes[3].floats(),
        b[4].floats(), b[5].floats());
  }

  /** 2×2 windows of stride 2 in SIMD, each window normalised as it is pooled; other windows as the default. */
  @Override
  public void batchNormMaxPool2d(Pool2dGeometry g, Buffer x, Buffer mean, Buffer var, double eps, Buffer gamma,
      Buffer beta, Buffer y, Buffer indices) {
    String kernel = "batchNormMaxPool2d";
    CpuBuffer[] p = cnn.maxPool2d(kernel, g, x, y, indices);
    CpuBuffer[] b = cnn.batchNorm(kernel, x, g.batch(), g.channels(), g.height() * g.width(),
        new String[] {"mean", "var", "gamma", "beta"}, mean, var, gamma, beta);
    if (!fast(b[0]) || !PoolNormKernels.pairs(g.window())) { // in that order: PoolNormKernels needs the Vector API
      super.batchNormMaxPool2d(g, x, mean, var, eps, gamma, beta, y, indices);
      return;
    }
    simd.batchNormMaxPool2d(g, b[0].floats(), b[1].floats(), b[2].floats(), eps, b[3].floats(), b[4].floats(),
        p[1].floats(), p[2].ints());
  }

  /** 2×2 windows of stride 2 in SIMD, reading the pooled dy where it lies; other windows as the default. */
  @Override
  public void batchNormMaxPool2dBackward(BatchNormStatistics statistics, Pool2dGeometry g, Buffer x, Buffer mean,
      Buffer var, double eps, Buffer gamma, Buffer indices, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
    String kernel = "batchNormMaxPool2dBackward";
    CpuBuffer[] p = cnn.maxPool2dBackward(kernel, g, indices, dy, dx);
    CpuBuffer[] b = cnn.batchNorm(kernel, x, g.batch(), g.channels(), g.height() * g.width(),
        new String[] {"mean", "var", "gamma", "dgamma", "dbeta"}, mean, var, gamma, dgamma, dbeta);
    cnn.sameAsX(kernel, "dx", dx, b[0]);
    if (!fast(b[0]) || !PoolNormKernels.pairs(g.window())) {
      super.batchNormMaxPool2dBackward(statistics, g, x, mean, var, eps, gamma, indices, dy, dx, dgamma, dbeta);
      return;
    }
    simd.batchNormMaxPool2dBackward(statistics, g, b[0].floats(), b[1].floats(), b[2].floats(), eps, b[3].floats(),
        p[0].ints(), p[1].floats(), p[2].floats(), b[4].floats(), b[5].floats());
  }

  @Override
  public void batchNormBackward(BatchNormStatistics statistics, Buffer x, int batch, int channels, int spatial,
      Buffer mean, Buffer var, double eps, Buffer gamma, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
    String kernel = "batchNormBackward";
    CpuBuffer[] b = cnn.batchNorm(kernel, x, batch, channels, spatial,
        new String[] {"mean", "var", "gamma", "dgamma", "dbeta"}, mean, var, gamma, dgamma, dbeta);
    CpuBuffer cdy = cnn.sameAsX(kernel, "dy", dy, b[0]);
    CpuBuffer cdx = cnn.sameAsX(kernel, "dx", dx, b[0]);
    if (!fast(b[0])) {
      reference.batchNormBackward(statistics, x, batch, channels, spatial, mean, var, eps, gamma, dy, dx, dgamma,
          dbeta);
      return;
    }
    simd.batchNormBackward(statistics, b[0].floats(), batch, channels, spatial, b[1].floats(), b[2].floats(), eps,
        b[3].floats(), cdy.floats(), cdx.floats(), b[4].floats(), b[5].floats());
  }

  /** Loss rows are a handful of classes wide: the reference loop is already a rounding error of a step's time. */
  @Override
  public void softmaxCrossEntropy(Buffer logits, Buffer labels, int rows, int cols, double smoothing, Buffer probs,
      Buffer loss) {
    reference.softmaxCrossEntropy(logits, labels, rows, cols, smoothing, probs, loss);
  }

  @Override
  public void softmaxCrossEntropyBackward(Buffer probs, Buffer labels, Buffer dloss, int rows, int cols,
      double smoothing, Buffer dlogits) {
    reference.softmaxCrossEntropyBackward(probs, labels, dloss, rows, cols, smoothing, dlogits);
  }

  @Override
  void gatherRows(Object src, int[] rows, int from, int count, int n, Object dst) {
    if (simd == null) {
      super.gatherRows(src, rows, from, count, n, dst);
    } else {
      simd.gatherRows(src, rows, from, count, n, dst);
    }
  }

  @Override
  double sumOfSquares(CpuBuffer x) {
    return fast(x) ? simd.sumOfSquares(x.floats(), x.size()) : super.sumOfSquares(x);
  }

  @Override
  public void sgdStep(Buffer param, Buffer paramCopy, Buffer grad, Buffer velocity, double lr, double momentum,
      double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
    CpuBuffer p = floating("sgdStep", "param", param);
    CpuBuffer copy = paramCopy("sgdStep", paramCopy, p);
    CpuBuffer g = matching("sgdStep", "grad", grad, p, p.length());
    CpuBuffer v = momentum == 0 ? null : matching("sgdStep", "velocity", velocity, p, p.length());
    if (!fast(p)) {
      reference.sgdStep(param, paramCopy, grad, velocity, lr, momentum, dampening, weightDecay, nesterov, firstStep);
      return;
    }
    simd.sgdStep(p.floats(), copy == null ? null : copy.shorts(), copy == null ? null : copy.dtype(), g.floats(),
        v == null ? null : v.floats(), p.size(), (float) lr, (float) momentum, (float) dampening, (float) weightDecay,
        nesterov, firstStep);
  }

  @Override
  public void adamStep(Buffer param, Buffer paramCopy, Buffer grad, Buffer m, Buffer v, double lr, double beta1,
      double beta2, double eps, double weightDecay, boolean decoupled, long step) {
    CpuBuffer p = floating("adamStep", "param", param);
    CpuBuffer copy = paramCopy("adamStep", paramCopy, p);
    CpuBuffer g = matching("adamStep", "grad", grad, p, p.length());
    CpuBuffer cm = matching("adamStep", "m", m, p, p.length());
    CpuBuffer cv = matching("adamStep", "v", v, p, p.length());
    if (!fast(p) || step < 1) {
      reference.adamStep(param, paramCopy, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
      return;
    }
    simd.adamStep(p.floats(), copy == null ? null : copy.shorts(), copy == null ? null : copy.dtype(), g.floats(),
        cm.floats(), cv.floats(), p.size(), (float) lr, (float) beta1, (float) beta2, (float) eps, (float) weightDecay,
        decoupled, (float) (1 - Math.pow(beta1, step)), (float) (1 - Math.pow(beta2, step)));
  }

  /** Float32 pairs in one SIMD pass each, the guard read on the host (a copy here); others by the default's kernels. */
  @Override
  public void emaSteps(List<Buffer> averages, List<Buffer> values, double weight, Buffer guard) {
    StepGuard.checkEmaSteps(averages, values, guard);
    if (simd == null || averages.stream().anyMatch(a -> a.dtype() != DType.FLOAT32)) {
      StepGuard.emaStepsByKernels(this, averages, values, weight, guard);
      return;
    }
    if (guard != null && StepGuard.read(this, guard)[StepGuard.APPLY] == 0) {
      return;
    }
    for (int i = 0; i < averages.size(); i++) {
      CpuBuffer a = floating("emaSteps", "averages[" + i + "]", averages.get(i));
      simd.lerp(a.floats(), floating("emaSteps", "values[" + i + "]", values.get(i)).floats(), a.size(),
          (float) weight);
    }
  }

  @Override
  public void random(Distribution dist, double a, double b, long seed, long offset, Buffer out) {
    CpuBuffer co = floating("random", "out", out);
    if (!(fast(co) || staged(co)) || dist != Distribution.UNIFORM) {
      reference.random(dist, a, b, seed, offset, out); // normal draws initialise weights once: not worth SIMD
      return;
    }
    if (staged(co)) { // a 16-bit dropout mask: the float32 draws rounded, as the contract's double → float32 → 16 bits
      try (Float32Staging f = new Float32Staging(pool(), simd)) {
        simd.uniform(a, b, seed, offset, f.out(co), co.size());
      }
      return;
    }
    simd.uniform(a, b, seed, offset, co.floats(), co.size());
  }

  /**
   * float32 and the 16-bit types in one pass on the kernel threads (Philox's words compared as integers); float64, and
   * every type without the Vector API, in two kernels.
   */
  @Override
  public void dropoutMask(double p, long seed, long offset, Buffer out) {
    CpuBuffer co = floating("dropoutMask", "out", out);
    if (fast(co)) {
      simd.dropoutMask((float) p, seed, offset, co.floats(), co.size());
    } else if (staged(co)) {
      simd.dropoutMask(co.dtype(), (float) p, seed, offset, co.shorts(), co.size());
    } else {
      super.dropoutMask(p, seed, offset, out);
    }
  }

  @Override
  public void close() {
    super.close();
    if (simd != null) {
      simd.close();
    }
  }
}
