package io.jgrad.cuda;

/**
 * Launchers of conv.cu: im2col, whose columns feed the GEMM of a convolution, and its adjoint col2im for dx.
 * Shapes: x, dx [N, C, H, W]; col, dcol [N, C·KH·KW, OH·OW].
 */
final class ConvKernels {
  private final Kernel im2col;
  private final Kernel col2im;

  ConvKernels(CudaContext context) {
    im2col = context.kernel(PtxModule.CONV, "im2col");
    col2im = context.kernel(PtxModule.CONV, "col2im");
  }

  void im2col(ConvGeometry g, CudaBuffer x, CudaBuffer col) {
    Check.floats("im2col", "x", x, g.inputs());
    Check.floats("im2col", "col", col, g.columns());
    im2col.args().struct(g.fields()).ptr(x.pointer()).ptr(col.pointer()).launch(Grid.elementwise(g.columns()));
  }

  /** dx is written, not accumulated. */
  void col2im(ConvGeometry g, CudaBuffer dcol, CudaBuffer dx) {
    Check.floats("col2im", "dcol", dcol, g.columns());
    Check.floats("col2im", "dx", dx, g.inputs());
    col2im.args().struct(g.fields()).ptr(dcol.pointer()).ptr(dx.pointer()).launch(Grid.elementwise(g.inputs()));
  }
}
