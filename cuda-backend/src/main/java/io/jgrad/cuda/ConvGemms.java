package io.jgrad.cuda;

import io.jgrad.spi.Conv2dGeometry;
import java.util.ArrayList;
import java.util.List;

/**
 * The batched GEMMs of a convolution, one per group, as data: which operands, at which element offsets and with
 * which per-image strides (legend: N images, C input channels, O output channels, G groups, Cg = C/G, Og = O/G,
 * KK = KH·KW, L = OH·OW; col [N, C·KK, L] with rows channel-major, so group g's rows are one stretch from row
 * g·Cg·KK). CudaConvolution launches them; ConvGemmsTest runs them on the host against the CPU reference.
 *   forward   y_g[b]  [Og, L]     = W_g [Og, Cg·KK] · col_g[b] [Cg·KK, L]      (W broadcast: stride 0)
 *   dx        dcol_g[b] [Cg·KK, L] = W_gᵀ · dy_g[b] [Og, L]
 *   dweight   perImage[b]_g [Og, Cg·KK] = dy_g[b] · col_g[b]ᵀ                 (then summed over b)
 */
final class ConvGemms {
  private ConvGemms() {}

  /** Which buffer an operand is. */
  enum Operand { WEIGHT, COL, Y, DY, PER_IMAGE }

  /** One batched GEMM: C_b = op(A_b)·op(B_b) (alpha 1, beta 0), X_b at offsetX + b·strideX. */
  record Call(
      boolean transA, boolean transB, int batch, int m, int n, int k, Operand a, long offsetA, long strideA,
      Operand b, long offsetB, long strideB, Operand c, long offsetC, long strideC) {}

  static List<Call> forward(Conv2dGeometry g) {
    Sizes s = new Sizes(g);
    List<Call> calls = new ArrayList<>();
    for (int group = 0; group < g.groups(); group++) {
      calls.add(new Call(false, false, g.batch(), s.og, s.l, s.rows,
          Operand.WEIGHT, (long) group * s.og * s.rows, 0,
          Operand.COL, (long) group * s.rows * s.l, s.colImage,
          Operand.Y, (long) group * s.og * s.l, s.outImage));
    }
    return calls;
  }

  static List<Call> backwardInput(Conv2dGeometry g) {
    Sizes s = new Sizes(g);
    List<Call> calls = new ArrayList<>();
    for (int group = 0; group < g.groups(); group++) {
      calls.add(new Call(true, false, g.batch(), s.rows, s.l, s.og,
          Operand.WEIGHT, (long) group * s.og * s.rows, 0,
          Operand.DY, (long) group * s.og * s.l, s.outImage,
          Operand.COL, (long) group * s.rows * s.l, s.colImage));
    }
    return calls;
  }

  /** Into PER_IMAGE [N, O·Cg·KK]: each image's weight gradient, to be summed over images. */
  static List<Call> backwardWeight(Conv2dGeometry g) {
    Sizes s = new Sizes(g);
    List<Call> calls = new ArrayList<>();
    for (int group = 0; group < g.groups(); group++) {
      calls.add(new Call(false, true, g.batch(), s.og, s.rows, s.l,
          Operand.DY, (long) group * s.og * s.l, s.outImage,
          Operand.COL, (long) group * s.rows * s.l, s.colImage,
          Operand.PER_IMAGE, (long) group * s.og * s.rows, g.weightSize()));
    }
    return calls;
  }

  /** OH·OW. */
  static int positions(Conv2dGeometry g) {
    return g.outHeight() * g.outWidth();
  }

  private static final class Sizes {
    final int og;
    final int rows;  // Cg·KK
    final int l;
    final long colImage;
    final long outImage;

    Sizes(Conv2dGeometry g) {
      og = g.outChannels() / g.groups();
      rows = g.inChannels() / g.groups() * g.window().kernelH() * g.window().kernelW();
      l = positions(g);
      colImage = (long) g.groups() * rows * l;
      outImage = (long) g.outChannels() * l;
    }
  }
}
