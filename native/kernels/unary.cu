// Element-wise unary ops y = op(x; alpha) and their gradients (the math is in ops.cuh), for each storage type
// (half.cuh: float, and bf16/fp16 computed in float and rounded once when stored).
// Shapes: x, y, saved, dy, dx all [n]; y may be x and dx may be dy (in place).
#include "half.cuh"
#include "ops.cuh"

template <typename T>
__device__ __forceinline__ void unary_forward_body(int op, float alpha, const T* x, T* y, long long n) {
  FOR_EACH_INDEX(i, n) { y[i] = from_float<T>(unary_value(op, alpha, to_float(x[i]))); }
}

// saved is the forward's input or output as UnaryOp.saves() says; null (and unread) when it saves nothing.
template <typename T>
__device__ __forceinline__ void unary_backward_body(
    int op, float alpha, const T* saved, const T* dy, T* dx, long long n) {
  FOR_EACH_INDEX(i, n) {
    dx[i] = from_float<T>(unary_gradient(op, alpha, saved == nullptr ? 0.f : to_float(saved[i]), to_float(dy[i])));
  }
}

// ---- kernels ----

#define UNARY_ENTRIES(suffix, T)                                                                                 \
  extern "C" __global__ void unary_forward##suffix(int op, float alpha, const T* x, T* y, long long n) {         \
    unary_forward_body<T>(op, alpha, x, y, n);                                                                   \
  }                                                                                                              \
  extern "C" __global__ void unary_backward##suffix(                                                            \
      int op, float alpha, const T* saved, const T* dy, T* dx, long long n) {                                    \
    unary_backward_body<T>(op, alpha, saved, dy, dx, n);                                                         \
  }
FOR_EACH_STORAGE(UNARY_ENTRIES)
