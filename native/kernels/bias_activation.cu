// The fused MLP epilogue y = act(x + bias) and its backward, which also reduces dbias over the rows.
// Shapes: x, y, dy, dx [R, C] row-major; bias, dbias [C]. act's gradient reads only y (or nothing).
#include "ops.cuh"

// The backward's block: BA_COLS adjacent columns (coalesced row reads) × BA_ROWS row lanes that stride over R.
#define BA_COLS 32
#define BA_ROWS 8

// ---- kernels ----

extern "C" __global__ void bias_activation_forward(
    int act, float alpha, const float* x, const float* bias, float* y, int rows, int cols) {
  FOR_EACH_INDEX(i, (long long) rows * cols) { y[i] = unary_value(act, alpha, x[i] + bias[i % cols]); }
}

// Block (BA_COLS, BA_ROWS), grid ceil(C / BA_COLS): each block owns its columns' whole dbias, so the sum is
// deterministic and written, not accumulated. Partial sums in double keep it accurate for large R.
extern "C" __global__ void bias_activation_backward(
    int act, float alpha, const float* y, const float* dy, float* dx, float* dbias, int rows, int cols) {
  __shared__ double partial[BA_ROWS][BA_COLS];
  int c = blockIdx.x * BA_COLS + threadIdx.x;
  double sum = 0.0;
  if (c < cols) {
    for (int r = threadIdx.y; r < rows; r += BA_ROWS) {
      long long i = (long long) r * cols + c;
      float g = unary_gradient(act, alpha, y[i], dy[i]);
      dx[i] = g;
      sum += g;
    }
  }
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    for (int k = 1; k < BA_ROWS; k++) {
      sum += partial[k][threadIdx.x];
    }
    dbias[c] = (float) sum;
  }
}
