// The fused MLP epilogue y = act(x + bias) and its backward, which also reduces dbias over the rows, for each
// storage type (half.cuh; 16-bit buffers are computed in float and rounded once when stored).
// Shapes: x, y, dy, dx, mask [R, C] row-major; bias, dbias [C]. act's gradient reads only y (or nothing).
// The masked entries are the epilogue followed by dropout: y = act(x + bias)·mask, and a backward that takes dy·mask
// before act's gradient (act is IDENTITY, RELU or LEAKY_RELU there, whose gradient the masked y's sign gives).
#include "half.cuh"
#include "ops.cuh"

// The backward's block: BA_COLS adjacent columns (coalesced row reads) × BA_ROWS row lanes that stride over R.
#define BA_COLS 32
#define BA_ROWS 8

template <typename T>
__device__ __forceinline__ void bias_activation_forward_body(
    int act, float alpha, const T* x, const T* bias, const T* mask, T* y, int rows, int cols) {
  FOR_EACH_INDEX(i, (long long) rows * cols) {
    float v = unary_value(act, alpha, to_float(x[i]) + to_float(bias[i % cols]));
    if (mask != nullptr) {
      v *= to_float(mask[i]);
    }
    y[i] = from_float<T>(v);
  }
}

// Block (BA_COLS, BA_ROWS), grid ceil(C / BA_COLS): each block owns its columns' whole dbias, so the sum is
// deterministic and written, not accumulated. Partial sums in double keep it accurate for large R; dbias sums the
// gradients before they are rounded to T, so that each output is rounded once, as the CPU backends do.
template <typename T>
__device__ __forceinline__ void bias_activation_backward_body(
    int act, float alpha, const T* y, const T* mask, const T* dy, T* dx, T* dbias, int rows, int cols) {
  __shared__ double partial[BA_ROWS][BA_COLS];
  int c = blockIdx.x * BA_COLS + threadIdx.x;
  double sum = 0.0;
  if (c < cols) {
    for (int r = threadIdx.y; r < rows; r += BA_ROWS) {
      long long i = (long long) r * cols + c;
      float d = to_float(dy[i]);
      if (mask != nullptr) {
        d *= to_float(mask[i]);
      }
      float g = unary_gradient(act, alpha, to_float(y[i]), d);
      dx[i] = from_float<T>(g);
      sum += g;
    }
  }
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    for (int k = 1; k < BA_ROWS; k++) {
      sum += partial[k][threadIdx.x];
    }
    dbias[c] = from_float<T>((float) sum);
  }
}

// ---- kernels ----

#define BIAS_ACTIVATION_ENTRIES(suffix, T)                                                                       \
  extern "C" __global__ void bias_activation_forward##suffix(                                                   \
      int act, float alpha, const T* x, const T* bias, T* y, int rows, int cols) {                               \
    bias_activation_forward_body<T>(act, alpha, x, bias, nullptr, y, rows, cols);                                \
  }                                                                                                              \
  extern "C" __global__ void bias_activation_backward##suffix(                                                  \
      int act, float alpha, const T* y, const T* dy, T* dx, T* dbias, int rows, int cols) {                      \
    bias_activation_backward_body<T>(act, alpha, y, nullptr, dy, dx, dbias, rows, cols);                         \
  }                                                                                                              \
  extern "C" __global__ void bias_activation_masked_forward##suffix(                                            \
      int act, float alpha, const T* x, const T* bias, const T* mask, T* y, int rows, int cols) {                \
    bias_activation_forward_body<T>(act, alpha, x, bias, mask, y, rows, cols);                                   \
  }                                                                                                              \
  extern "C" __global__ void bias_activation_masked_backward##suffix(                                           \
      int act, float alpha, const T* y, const T* mask, const T* dy, T* dx, T* dbias, int rows, int cols) {       \
    bias_activation_backward_body<T>(act, alpha, y, mask, dy, dx, dbias, rows, cols);                            \
  }
FOR_EACH_STORAGE(BIAS_ACTIVATION_ENTRIES)
