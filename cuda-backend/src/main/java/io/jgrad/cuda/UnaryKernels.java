package io.jgrad.cuda;

import io.jgrad.UnaryOp;

/** Launchers of unary.cu: y = op(x; alpha) and dx = dy·op'(saved). Shapes: every buffer [n]. */
final class UnaryKernels {
  private final Kernel forward;
  private final Kernel backward;

  UnaryKernels(CudaContext context) {
    forward = context.kernel(PtxModule.UNARY, "unary_forward");
    backward = context.kernel(PtxModule.UNARY, "unary_backward");
  }

  void forward(UnaryOp op, double alpha, CudaBuffer x, CudaBuffer y) {
    long n = x.length();
    Check.floats("unary", "x", x, n);
    Check.floats("unary", "y", y, n);
    forward.launch(
        Grid.elementwise(n),
        new KernelArgs().i32(op.ordinal()).f32(alpha).ptr(x.pointer()).ptr(y.pointer()).i64(n));
  }

  /** saved is null exactly when op saves nothing. */
  void backward(UnaryOp op, double alpha, CudaBuffer saved, CudaBuffer dy, CudaBuffer dx) {
    long n = dy.length();
    Check.that(op != UnaryOp.DROPOUT_MASK, "unaryBackward", "DROPOUT_MASK has no gradient");
    Check.that(
        (saved == null) == (op.saves() == UnaryOp.Saves.NOTHING),
        "unaryBackward",
        op + " saves " + op.saves() + " but saved is " + (saved == null ? "null" : "given"));
    Check.floats("unaryBackward", "dy", dy, n);
    Check.floats("unaryBackward", "dx", dx, n);
    if (saved != null) {
      Check.floats("unaryBackward", "saved", saved, n);
    }
    backward.launch(
        Grid.elementwise(n),
        new KernelArgs()
            .i32(op.ordinal()).f32(alpha).ptr(saved == null ? null : saved.pointer())
            .ptr(dy.pointer()).ptr(dx.pointer()).i64(n));
  }
}
