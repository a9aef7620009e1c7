// The scalar math shared by jgrad's kernels: op codes and each op's forward and gradient, written once so that the
// plain, fused and backward kernels compute the same formulas (they mirror the CPU backend's loops).
//
// The enums list io.jgrad's constants in declaration order; Java passes op.ordinal() (KernelSourceTest checks the
// order). Legend for every file: n = element count, R = rows, C = columns/classes.
#pragma once

enum class UnaryOp {
  NEG, EXP, LOG, SQRT, ABS, RELU, LEAKY_RELU, ELU, SIGMOID, TANH, GELU,
  ADD_SCALAR, MUL_SCALAR, POW_SCALAR, CLAMP, DROPOUT_MASK, IDENTITY
};

enum class BinaryOp { ADD, SUB, MUL, DIV, MAX, MIN, POW, EQ, GE, GT };

enum class ReduceOp { SUM, MEAN, MAX, ARGMAX };

// Shared by GELU's forward and gradient: the tanh approximation's constants.
#define GELU_K 0.7978845608028654f  // sqrt(2/pi)
#define GELU_C 0.044715f

// An unknown op code yields NaN, so a launcher bug shows up as poisoned output rather than plausible numbers.
#define JGRAD_NAN __int_as_float(0x7fffffff)

// Java's Math.max, Math.min and Math.pow, which the CPU backends compute: max/min are NaN when either operand is
// (fmaxf/fminf return the other one, so clipping or max would hide a NaN), and pow is NaN for a base of ±1 with an
// infinite or NaN exponent (powf gives 1).
__device__ __forceinline__ float java_max(float a, float b) { return isnan(a) || isnan(b) ? JGRAD_NAN : fmaxf(a, b); }

__device__ __forceinline__ float java_min(float a, float b) { return isnan(a) || isnan(b) ? JGRAD_NAN : fminf(a, b); }

__device__ __forceinline__ float java_pow(float a, float b) {
  return fabsf(a) == 1.f && !isfinite(b) ? JGRAD_NAN : powf(a, b);
}

// y = op(x; a)
__device__ __forceinline__ float unary_value(int op, float a, float x) {
  switch (static_cast<UnaryOp>(op)) {
    case UnaryOp::NEG: return -x;
    case UnaryOp::EXP: return expf(x);
    case UnaryOp::LOG: return logf(x);
    case UnaryOp::SQRT: return sqrtf(x);
    case UnaryOp::ABS: return fabsf(x);
    case UnaryOp::RELU: return x <= 0.f ? 0.f : x;  // NaN passes, as in PyTorch
    case UnaryOp::LEAKY_RELU: return x > 0.f ? x : a * x;
    case UnaryOp::ELU: return x > 0.f ? x : a * expm1f(x);
    case UnaryOp::SIGMOID: return 1.f / (1.f + expf(-x));
    case UnaryOp::TANH: return tanhf(x);
    case UnaryOp::GELU: return 0.5f * x * (1.f + tanhf(GELU_K * (x + GELU_C * x * x * x)));
    case UnaryOp::ADD_SCALAR: return x + a;
    case UnaryOp::MUL_SCALAR: return a * x;
    case UnaryOp::POW_SCALAR: return java_pow(x, a);
    case UnaryOp::CLAMP: return java_min(java_max(x, -a), a);
    case UnaryOp::DROPOUT_MASK: return x >= a ? 1.f / (1.f - a) : 0.f;
    case UnaryOp::IDENTITY: return x;
  }
  return JGRAD_NAN;
}

// dx = dy·op'(…), where s is what UnaryOp.saves() names: the forward's input x or its output y.
__device__ __forceinline__ float unary_gradient(int op, float a, float s, float dy) {
  switch (static_cast<UnaryOp>(op)) {
    case UnaryOp::NEG: return -dy;
    case UnaryOp::EXP: return dy * s;                              // s = y
    case UnaryOp::LOG: return dy / s;                              // s = x
    case UnaryOp::SQRT: return dy * 0.5f / s;                      // s = y
    case UnaryOp::ABS: return isnan(s) ? JGRAD_NAN : dy * (float) ((s > 0.f) - (s < 0.f));  // s = x (Math.signum)
    case UnaryOp::RELU: return s <= 0.f ? 0.f : dy;                // s = y
    case UnaryOp::LEAKY_RELU: return s > 0.f ? dy : a * dy;        // s = y
    case UnaryOp::ELU: return s <= 0.f ? dy * (s + a) : dy;        // s = y
    case UnaryOp::SIGMOID: return dy * s * (1.f - s);              // s = y
    case UnaryOp::TANH: return dy * (1.f - s * s);                 // s = y
    case UnaryOp::GELU: {                                          // s = x
      float t = tanhf(GELU_K * (s + GELU_C * s * s * s));
      float du = GELU_K * (1.f + 3.f * GELU_C * s * s);
      return dy * (0.5f * (1.f + t) + 0.5f * s * (1.f - t * t) * du);
    }
    case UnaryOp::ADD_SCALAR: return dy;
    case UnaryOp::MUL_SCALAR: return a * dy;
    case UnaryOp::POW_SCALAR: return dy * a * java_pow(s, a - 1.f);  // s = x
    case UnaryOp::CLAMP: return fabsf(s) < a ? dy : 0.f;           // s = x
    case UnaryOp::DROPOUT_MASK: return JGRAD_NAN;                  // no gradient: launchers refuse it
    case UnaryOp::IDENTITY: return dy;
  }
  return JGRAD_NAN;
}

// out = op(a, b); comparisons give 1 or 0.
__device__ __forceinline__ float binary_value(int op, float a, float b) {
  switch (static_cast<BinaryOp>(op)) {
    case BinaryOp::ADD: return a + b;
    case BinaryOp::SUB: return a - b;
    case BinaryOp::MUL: return a * b;
    case BinaryOp::DIV: return a / b;
    case BinaryOp::MAX: return java_max(a, b);
    case BinaryOp::MIN: return java_min(a, b);
    case BinaryOp::POW: return java_pow(a, b);
    case BinaryOp::EQ: return a == b ? 1.f : 0.f;
    case BinaryOp::GE: return a >= b ? 1.f : 0.f;
    case BinaryOp::GT: return a > b ? 1.f : 0.f;
  }
  return JGRAD_NAN;
}

// Grid-stride loop over [0, n): launchers cap the grid, so one thread may visit several elements.
#define FOR_EACH_INDEX(i, n) \
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)
