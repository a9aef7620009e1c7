package io.jgrad.cuda;

import io.jgrad.DType;

/**
 * Launchers of pool.cu: max pooling (with its argmax, the index ih·W + iw in the input plane, for backward) and
 * average pooling, forward and backward. Shapes: x, dx [N, C, H, W]; y, dy, argmax [N, C, OH, OW].
 */
final class PoolKernels {
  /** Average pooling's divisor: the whole window (PyTorch's count_include_pad=True) or its taps inside x. */
  enum Divisor {
    WINDOW,
    INSIDE
  }

  private final Kernel maxForward;
  private final Kernel maxBackward;
  private final Kernel avgForward;
  private final Kernel avgBackward;

  PoolKernels(CudaContext context) {
    maxForward = context.kernel(PtxModule.POOL, "max_pool_forward");
    maxBackward = context.kernel(PtxModule.POOL, "max_pool_backward");
    avgForward = context.kernel(PtxModule.POOL, "avg_pool_forward");
    avgBackward = context.kernel(PtxModule.POOL, "avg_pool_backward");
  }

  void maxForward(ConvGeometry g, CudaBuffer x, CudaBuffer y, CudaBuffer argmax) {
    Check.floats("maxPool", "x", x, g.inputs());
    Check.floats("maxPool", "y", y, g.outputs());
    Check.typed("maxPool", "argmax", argmax, DType.INT32, g.outputs());
    maxForward.args().struct(g.fields()).ptr(x.pointer()).ptr(y.pointer()).ptr(argmax.pointer())
        .launch(Grid.elementwise(g.outputs()));
  }

  /** dx is written, not accumulated. */
  void maxBackward(ConvGeometry g, CudaBuffer dy, CudaBuffer argmax, CudaBuffer dx) {
    Check.floats("maxPoolBackward", "dy", dy, g.outputs());
    Check.typed("maxPoolBackward", "argmax", argmax, DType.INT32, g.outputs());
    Check.floats("maxPoolBackward", "dx", dx, g.inputs());
    maxBackward.args().struct(g.fields()).ptr(dy.pointer()).ptr(argmax.pointer()).ptr(dx.pointer())
        .launch(Grid.elementwise(g.inputs()));
  }

  void avgForward(ConvGeometry g, Divisor divisor, CudaBuffer x, CudaBuffer y) {
    Check.floats("avgPool", "x", x, g.inputs());
    Check.floats("avgPool", "y", y, g.outputs());
    avgForward.args().struct(g.fields()).i32(divisor == Divisor.WINDOW ? 1 : 0).ptr(x.pointer()).ptr(y.pointer())
        .launch(Grid.elementwise(g.outputs()));
  }

  /** dx is written, not accumulated. */
  void avgBackward(ConvGeometry g, Divisor divisor, CudaBuffer dy, CudaBuffer dx) {
    Check.floats("avgPoolBackward", "dy", dy, g.outputs());
    Check.floats("avgPoolBackward", "dx", dx, g.inputs());
    avgBackward.args().struct(g.fields()).i32(divisor == Divisor.WINDOW ? 1 : 0).ptr(dy.pointer()).ptr(dx.pointer())
        .launch(Grid.elementwise(g.inputs()));
  }
}
