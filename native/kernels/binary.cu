// Element-wise binary ops out = op(a, b) with NumPy broadcasting (the math is in ops.cuh).
// Shapes: out [n]; a and b are read through per-dimension strides that are 0 along broadcast dimensions.
#include "ops.cuh"

#define MAX_RANK 8

// Passed by value; Java packs it as 1 + 3·MAX_RANK longs (BinaryKernels). Dimensions beyond rank are unused.
struct Broadcast {
  long long rank;
  long long shape[MAX_RANK];    // out's dimensions
  long long aStride[MAX_RANK];  // elements to step in a per unit of each out dimension (0 when broadcast)
  long long bStride[MAX_RANK];
};

// ---- kernels ----

// The fast path: a, b and out all have n elements in the same layout.
extern "C" __global__ void binary_same_shape(int op, const float* a, const float* b, float* out, long long n) {
  FOR_EACH_INDEX(i, n) { out[i] = binary_value(op, a[i], b[i]); }
}

extern "C" __global__ void binary_broadcast(
    int op, const float* a, const float* b, float* out, long long n, Broadcast index) {
  FOR_EACH_INDEX(i, n) {
    long long rest = i;
    long long ia = 0;
    long long ib = 0;
    for (int d = (int) index.rank - 1; d >= 0; d--) {
      long long coordinate = rest % index.shape[d];
      rest /= index.shape[d];
      ia += coordinate * index.aStride[d];
      ib += coordinate * index.bStride[d];
    }
    out[i] = binary_value(op, a[ia], b[ib]);
  }
}
