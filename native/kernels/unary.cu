// Element-wise unary ops y = op(x; alpha) and their gradients (the math is in ops.cuh).
// Shapes: x, y, saved, dy, dx all [n]; y may be x and dx may be dy (in place).
#include "ops.cuh"

// ---- kernels ----

extern "C" __global__ void unary_forward(int op, float alpha, const float* x, float* y, long long n) {
  FOR_EACH_INDEX(i, n) { y[i] = unary_value(op, alpha, x[i]); }
}

// saved is the forward's input or output as UnaryOp.saves() says; null (and unread) when it saves nothing.
extern "C" __global__ void unary_backward(
    int op, float alpha, const float* saved, const float* dy, float* dx, long long n) {
  FOR_EACH_INDEX(i, n) { dx[i] = unary_gradient(op, alpha, saved == nullptr ? 0.f : saved[i], dy[i]); }
}
