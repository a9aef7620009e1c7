package io.jgrad.cuda;

import io.jgrad.UnaryOp;

/**
 * Launchers of unary.cu: y = op(x; alpha) and dx = dy·op'(saved), in float32, bf16 or fp16 (every buffer of a call
 * the same). Shapes: every buffer [n].
 */
final class UnaryKernels {
  private final StorageKernels forward;
  private final StorageKernels backward;

  UnaryKernels(CudaContext context) {
    forward = new StorageKernels(context, PtxModule.UNARY, "unary_forward");
    backward = new StorageKernels(context, PtxModule.UNARY, "unary_backward");
  }

  void forward(UnaryOp op, double alpha, CudaBuffer x, CudaBuffer y) {
    long n = x.length();
    Check.typed("unary", "x", x, x.dtype(), n);
    Check.typed("unary", "y", y, x.dtype(), n);
    forward.of("unary", x).args().i32(op.ordinal()).f32(alpha).ptr(x.pointer()).ptr(y.pointer()).i64(n)
        .launch(Grid.elementwise(n));
  }

  /** saved is null exactly when op saves nothing. */
  void backward(UnaryOp op, double alpha, CudaBuffer saved, CudaBuffer dy, CudaBuffer dx) {
    long n = dy.length();
    Check.that(op != UnaryOp.DROPOUT_MASK, "unaryBackward", "DROPOUT_MASK has no gradient");
    Check.that(
        (saved == null) == (op.saves() == UnaryOp.Saves.NOTHING),
        "unaryBackward",
        op + " saves " + op.saves() + " but saved is " + (saved == null ? "null" : "given"));
    Check.typed("unaryBackward", "dy", dy, dy.dtype(), n);
    Check.typed("unaryBackward", "dx", dx, dy.dtype(), n);
    if (saved != null) {
      Check.typed("unaryBackward", "saved", saved, dy.dtype(), n);
    }
    backward.of("unaryBackward", dy).args().i32(op.ordinal()).f32(alpha).ptr(saved == null ? null : saved.pointer())
        .ptr(dy.pointer()).ptr(dx.pointer()).i64(n).launch(Grid.elementwise(n));
  }
}
