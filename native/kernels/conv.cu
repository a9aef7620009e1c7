// Convolution by im2col + GEMM (PyTorch's Conv2d semantics: NCHW, kernel, stride, padding, dilation), and the
// adjoint col2im that backward needs for dx. The GEMM is the backend's own, batched over images:
//   y[b] [OC, OH·OW] = W [OC, C·KH·KW] · col[b] [C·KH·KW, OH·OW]  (per group, with offsets into C and OC)
// Shapes: x, dx [N, C, H, W]; col [N, C·KH·KW, OH·OW], row (c·KH + kh)·KW + kw, column oh·OW + ow.
// Legend: N images, C channels, H×W input, KH×KW kernel, OH×OW output; a window's tap (kh, kw) of output (oh, ow)
// reads input (oh·SH − PH + kh·DH, ow·SW − PW + kw·DW), and taps outside the input read 0 (zero padding).
#include "ops.cuh"

// The geometry, passed by value as 14 ints (ConvKernels.geometry builds them in this order).
struct Conv {
  int n, c, h, w;   // input
  int kh, kw;       // kernel
  int sh, sw;       // stride
  int ph, pw;       // padding
  int dh, dw;       // dilation
  int oh, ow;       // output, computed by the launcher: (H + 2·PH − DH·(KH − 1) − 1) / SH + 1
};

// ---- kernels ----

// One thread per element of col: it copies one input element (or writes the padding's 0).
extern "C" __global__ void im2col(Conv g, const float* x, float* col) {
  long long columns = (long long) g.oh * g.ow;
  long long rows = (long long) g.c * g.kh * g.kw;
  FOR_EACH_INDEX(e, g.n * rows * columns) {
    long long column = e % columns;
    long long row = e / columns % rows;
    long long b = e / (columns * rows);
    int kw = (int) (row % g.kw);
    int kh = (int) (row / g.kw % g.kh);
    int c = (int) (row / ((long long) g.kw * g.kh));
    int ih = (int) (column / g.ow) * g.sh - g.ph + kh * g.dh;
    int iw = (int) (column % g.ow) * g.sw - g.pw + kw * g.dw;
    bool inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
    col[e] = inside ? x[((b * g.c + c) * g.h + ih) * g.w + iw] : 0.f;
  }
}

// dx = col2im(dcol): one thread per input element gathers, in a fixed (kh, kw) order, every tap that read it, so
// the sum needs no atomics and is the same on every run. dx is written, not accumulated.
extern "C" __global__ void col2im(Conv g, const float* dcol, float* dx) {
  long long columns = (long long) g.oh * g.ow;
  long long rows = (long long) g.c * g.kh * g.kw;
  FOR_EACH_INDEX(e, (long long) g.n * g.c * g.h * g.w) {
    int iw = (int) (e % g.w);
    int ih = (int) (e / g.w % g.h);
    int c = (int) (e / ((long long) g.w * g.h) % g.c);
    long long b = e / ((long long) g.w * g.h * g.c);
    const float* image = dcol + b * rows * columns;
    float sum = 0.f;
    for (int kh = 0; kh < g.kh; kh++) {
      int y = ih + g.ph - kh * g.dh;  // = oh·SH when tap kh of output row oh reads ih
      if (y < 0 || y % g.sh != 0 || y / g.sh >= g.oh) continue;
      for (int kw = 0; kw < g.kw; kw++) {
        int x = iw + g.pw - kw * g.dw;
        if (x < 0 || x % g.sw != 0 || x / g.sw >= g.ow) continue;
        long long row = ((long long) c * g.kh + kh) * g.kw + kw;
        sum += image[row * columns + (long long) (y / g.sh) * g.ow + x / g.sw];
      }
    }
    dx[e] = sum;
  }
}
