package io.jgrad.cuda;

import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.spi.ReduceOp;
import io.jgrad.Shape;
import java.util.List;

/**
 * conv2d and its two gradients as im2col + the backend's GEMM ({@link ConvGemms}: one batched GEMM per group over
 * the N images): forward adds the bias after; dx is col2im of the GEMMs' dcol; dweight sums the per-image products
 * over images with the reduction kernel (a fixed order, so the same sum on every run), and dbias is dy summed over
 * positions, then images. Temporary buffers come from the caching allocator and return to it on the same stream.
 */
final class CudaConvolution {
  private final CudaBackend backend;
  private final ConvKernels conv;
  private final ReduceKernels reduce;
  private final BinaryKernels binary;

  CudaConvolution(CudaBackend backend, ConvKernels conv, ReduceKernels reduce, BinaryKernels binary) {
    this.backend = backend;
    this.conv = conv;
    this.reduce = reduce;
    this.binary = binary;
  }

  void forward(Conv2dGeometry g, CudaBuffer x, CudaBuffer weight, CudaBuffer bias, CudaBuffer y) {
    Check.floats("conv2d", "x", x, g.inputSize());
    Check.floats("conv2d", "weight", weight, g.weightSize());
    Check.floats("conv2d", "y", y, g.outputSize());
    if (bias != null) {
      Check.floats("conv2d", "bias", bias, g.outChannels());
    }
    if (g.batch() == 0) {
      return;
    }
    ConvGeometry cg = ConvGeometry.of(g);
    CudaBuffer col = temporary(cg.columns());
    try {
      conv.im2col(cg, x, col);
      run(ConvGemms.forward(g), weight, col, y, null, null);
    } finally {
      backend.free(col);
    }
    if (bias != null) {
      Shape out = Shape.of(g.batch(), g.outChannels(), ConvGemms.positions(g));
      binary.run(BinaryOp.ADD, y, out, bias, Shape.of(1, g.outChannels(), 1), y, out);
    }
  }

  void backwardInput(Conv2dGeometry g, CudaBuffer dy, CudaBuffer weight, CudaBuffer dx) {
    Check.floats("conv2dBackwardInput", "dy", dy, g.outputSize());
    Check.floats("conv2dBackwardInput", "weight", weight, g.weightSize());
    Check.floats("conv2dBackwardInput", "dx", dx, g.inputSize());
    if (g.batch() == 0) {
      return;
    }
    ConvGeometry cg = ConvGeometry.of(g);
    CudaBuffer dcol = temporary(cg.columns());
    try {
      run(ConvGemms.backwardInput(g), weight, dcol, null, dy, null);
      conv.col2im(cg, dcol, dx);
    } finally {
      backend.free(dcol);
    }
  }

  void backwardWeight(Conv2dGeometry g, CudaBuffer x, CudaBuffer dy, CudaBuffer dweight, CudaBuffer dbias) {
    Check.floats("conv2dBackwardWeight", "x", x, g.inputSize());
    Check.floats("conv2dBackwardWeight", "dy", dy, g.outputSize());
    Check.floats("conv2dBackwardWeight", "dweight", dweight, g.weightSize());
    if (dbias != null) {
      Check.floats("conv2dBackwardWeight", "dbias", dbias, g.outChannels());
    }
    ConvGeometry cg = ConvGeometry.of(g);
    CudaBuffer col = temporary(cg.columns());
    CudaBuffer perImage = temporary((long) g.batch() * g.weightSize());
    try {
      if (g.batch() > 0) {
        conv.im2col(cg, x, col);
        run(ConvGemms.backwardWeight(g), null, col, null, dy, perImage);
      }
      reduce.run(ReduceOp.SUM, perImage, 1, g.batch(), (int) g.weightSize(), dweight);
    } finally {
      backend.free(perImage);
      backend.free(col);
    }
    if (dbias != null) {
      CudaBuffer perChannel = temporary((long) g.batch() * g.outChannels());
      try {
        // [N·O, L] → [N, O] → [O]
        reduce.run(ReduceOp.SUM, dy, g.batch() * g.outChannels(), ConvGemms.positions(g), 1, perChannel);
        reduce.run(ReduceOp.SUM, perChannel, 1, g.batch(), g.outChannels(), dbias);
      } finally {
        backend.free(perChannel);
      }
    }
  }

  private void run(
      List<ConvGemms.Call> calls, CudaBuffer weight, CudaBuffer col, CudaBuffer y, CudaBuffer dy,
      CudaBuffer perImage) {
    for (ConvGemms.Call c : calls) {
      CudaBuffer[] buffers = {weight, col, y, dy, perImage};  // indexed by ConvGemms.Operand
      backend.gemm().run(c.transA(), c.transB(), c.batch(), c.m(), c.n(), c.k(), 1f,
          buffers[c.a().ordinal()].at(c.offsetA()), c.strideA(), buffers[c.b().ordinal()].at(c.offsetB()), c.strideB(),
          0f, buffers[c.c().ordinal()].at(c.offsetC()), c.strideC());
    }
  }

  private CudaBuffer temporary(long length) {
    return (CudaBuffer) backend.allocate(DType.FLOAT32, length);
  }
}
