package io.jgrad.cuda;

import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.spi.Pool2dGeometry;
import io.jgrad.Window2d;

/**
 * The geometry of a 2-d convolution or pooling window over x [N, C, H, W], as conv.cu's and pool.cu's struct: a
 * window's tap (kh, kw) of output (oh, ow) reads input (oh·SH − PH + kh·DH, ow·SW − PW + kw·DW), taps outside x
 * read 0 (convolution) or are skipped (pooling). The output size is PyTorch's floor mode.
 */
record ConvGeometry(
    int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

  ConvGeometry {
    for (int v : new int[] {n, c, h, w, ph, pw}) {
      Check.nonNegative("conv geometry", "sizes and padding", v);
    }
    Check.that(kh > 0 && kw > 0 && sh > 0 && sw > 0 && dh > 0 && dw > 0, "conv geometry",
        "kernel, stride and dilation must be positive, got kernel " + kh + "×" + kw + ", stride " + sh + "×" + sw
            + ", dilation " + dh + "×" + dw);
    // The fields are assigned after this body: compute the output size from the parameters.
    Check.that(h + 2 * ph - dh * (kh - 1) - 1 >= 0 && w + 2 * pw - dw * (kw - 1) - 1 >= 0, "conv geometry",
        "a " + kh + "×" + kw + " window (dilation " + dh + "×" + dw + ") does not fit a padded " + (h + 2 * ph) + "×"
            + (w + 2 * pw) + " input");
  }

  /** conv2d's im2col covers every input channel: a group's rows of col are then one contiguous stretch. */
  static ConvGeometry of(Conv2dGeometry g) {
    return of(g.batch(), g.inChannels(), g.height(), g.width(), g.window());
  }

  static ConvGeometry of(Pool2dGeometry g) {
    return of(g.batch(), g.channels(), g.height(), g.width(), g.window());
  }

  private static ConvGeometry of(int n, int c, int h, int w, Window2d k) {
    return new ConvGeometry(
        n, c, h, w, k.kernelH(), k.kernelW(), k.strideH(), k.strideW(), k.padH(), k.padW(), k.dilationH(),
        k.dilationW());
  }

  int oh() {
    return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
  }

  int ow() {
    return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
  }

  long inputs() {
    return (long) n * c * h * w;
  }

  long outputs() {
    return (long) n * c * oh() * ow();
  }

  /** im2col's output: [N, C·KH·KW, OH·OW]. */
  long columns() {
    return (long) n * c * kh * kw * oh() * ow();
  }

  /** The 14 ints of the kernels' struct, in its field order. */
  int[] fields() {
    return new int[] {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh(), ow()};
  }
}
