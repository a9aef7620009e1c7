// 2-d max and average pooling, forward and backward (PyTorch's MaxPool2d / AvgPool2d, floor mode). The
// geometry is conv.cu's: a window's tap (kh, kw) of output (oh, ow) reads input
// (oh·SH − PH + kh·DH, ow·SW − PW + kw·DW).
// Shapes: x, dx [N, C, H, W]; y, dy, argmax [N, C, OH, OW]. Legend as conv.cu's.
#include "ops.cuh"

struct Pool {
  int n, c, h, w;
  int kh, kw;
  int sh, sw;
  int ph, pw;
  int dh, dw;
  int oh, ow;
};

// Whether the window's candidate v replaces the best so far: the first maximum wins and NaN beats every number,
// as torch.max_pool2d propagates it. Padding never wins: it is not a candidate.
__device__ __forceinline__ bool pool_takes(float v, float best, bool any) {
  if (!any) return true;
  if (isnan(best)) return false;
  return isnan(v) || v > best;
}

// ---- kernels ----

// y = the window's maximum; argmax = its index ih·W + iw within the (n, c) plane (PyTorch's return_indices).
extern "C" __global__ void max_pool_forward(Pool g, const float* x, float* y, int* argmax) {
  FOR_EACH_INDEX(e, (long long) g.n * g.c * g.oh * g.ow) {
    int ow = (int) (e % g.ow);
    int oh = (int) (e / g.ow % g.oh);
    long long plane = e / ((long long) g.ow * g.oh);  // n·C + c
    const float* in = x + plane * g.h * g.w;
    float best = 0.f;
    int at = -1;
    for (int kh = 0; kh < g.kh; kh++) {
      int ih = oh * g.sh - g.ph + kh * g.dh;
      if (ih < 0 || ih >= g.h) continue;
      for (int kw = 0; kw < g.kw; kw++) {
        int iw = ow * g.sw - g.pw + kw * g.dw;
        if (iw < 0 || iw >= g.w) continue;
        float v = in[ih * g.w + iw];
        if (pool_takes(v, best, at >= 0)) {
          best = v;
          at = ih * g.w + iw;
        }
      }
    }
    y[e] = at >= 0 ? best : JGRAD_NAN;  // a window wholly in the padding (PyTorch refuses such padding)
    argmax[e] = at;
  }
}

// dx[i] = Σ dy over the windows whose argmax is i: one thread per input element gathers, in a fixed order, from
// the outputs whose window covers it (no atomics; the same sum on every run). dx is written, not accumulated.
extern "C" __global__ void max_pool_backward(Pool g, const float* dy, const int* argmax, float* dx) {
  FOR_EACH_INDEX(e, (long long) g.n * g.c * g.h * g.w) {
    int iw = (int) (e % g.w);
    int ih = (int) (e / g.w % g.h);
    long long plane = e / ((long long) g.w * g.h);
    long long out0 = plane * g.oh * g.ow;
    int self = ih * g.w + iw;
    float sum = 0.f;
    for (int kh = 0; kh < g.kh; kh++) {
      int y = ih + g.ph - kh * g.dh;
      if (y < 0 || y % g.sh != 0 || y / g.sh >= g.oh) continue;
      for (int kw = 0; kw < g.kw; kw++) {
        int x = iw + g.pw - kw * g.dw;
        if (x < 0 || x % g.sw != 0 || x / g.sw >= g.ow) continue;
        long long o = out0 + (long long) (y / g.sh) * g.ow + x / g.sw;
        if (argmax[o] == self) sum += dy[o];
      }
    }
    dx[e] = sum;
  }
}

// The number an average divides by: the whole window (countIncludePad, PyTorch's default) or its taps inside x.
__device__ __forceinline__ int pool_divisor(const Pool& g, int oh, int ow, int countIncludePad) {
  if (countIncludePad) return g.kh * g.kw;
  int count = 0;
  for (int kh = 0; kh < g.kh; kh++) {
    int ih = oh * g.sh - g.ph + kh * g.dh;
    for (int kw = 0; kw < g.kw; kw++) {
      int iw = ow * g.sw - g.pw + kw * g.dw;
      count += ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
    }
  }
  return count;
}

extern "C" __global__ void avg_pool_forward(Pool g, int countIncludePad, const float* x, float* y) {
  FOR_EACH_INDEX(e, (long long) g.n * g.c * g.oh * g.ow) {
    int ow = (int) (e % g.ow);
    int oh = (int) (e / g.ow % g.oh);
    const float* in = x + e / ((long long) g.ow * g.oh) * g.h * g.w;
    float sum = 0.f;
    for (int kh = 0; kh < g.kh; kh++) {
      int ih = oh * g.sh - g.ph + kh * g.dh;
      if (ih < 0 || ih >= g.h) continue;
      for (int kw = 0; kw < g.kw; kw++) {
        int iw = ow * g.sw - g.pw + kw * g.dw;
        if (iw >= 0 && iw < g.w) sum += in[ih * g.w + iw];
      }
    }
    y[e] = sum / pool_divisor(g, oh, ow, countIncludePad);
  }
}

// dx[i] = Σ dy[o] / divisor(o) over the windows o that cover i, gathered in a fixed order; written, not accumulated.
extern "C" __global__ void avg_pool_backward(Pool g, int countIncludePad, const float* dy, float* dx) {
  FOR_EACH_INDEX(e, (long long) g.n * g.c * g.h * g.w) {
    int iw = (int) (e % g.w);
    int ih = (int) (e / g.w % g.h);
    long long out0 = e / ((long long) g.w * g.h) * g.oh * g.ow;
    float sum = 0.f;
    for (int kh = 0; kh < g.kh; kh++) {
      int y = ih + g.ph - kh * g.dh;
      if (y < 0 || y % g.sh != 0 || y / g.sh >= g.oh) continue;
      for (int kw = 0; kw < g.kw; kw++) {
        int x = iw + g.pw - kw * g.dw;
        if (x < 0 || x % g.sw != 0 || x / g.sw >= g.ow) continue;
        int oh = y / g.sh;
        int ow = x / g.sw;
        sum += dy[out0 + (long long) oh * g.ow + ow] / pool_divisor(g, oh, ow, countIncludePad);
      }
    }
    dx[e] = sum;
  }
}
