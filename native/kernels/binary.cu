// Element-wise binary ops out = op(a, b) with NumPy broadcasting (the math is in ops.cuh), for each storage type
// (half.cuh; a, b and out share one).
// Shapes: out [n]; a and b are read through per-dimension strides that are 0 along broadcast dimensions.
#include "half.cuh"
#include "ops.cuh"

#define MAX_RANK 8

// Passed by value; Java packs it as 1 + 3·MAX_RANK longs (BinaryKernels). Dimensions beyond rank are unused.
struct Broadcast {
  long long rank;
  long long shape[MAX_RANK];    // out's dimensions
  long long aStride[MAX_RANK];  // elements to step in a per unit of each out dimension (0 when broadcast)
  long long bStride[MAX_RANK];
};

// The fast path: a, b and out all have n elements in the same layout.
template <typename T>
__device__ __forceinline__ void binary_same_shape_body(int op, const T* a, const T* b, T* out, long long n) {
  FOR_EACH_INDEX(i, n) { out[i] = from_float<T>(binary_value(op, to_float(a[i]), to_float(b[i]))); }
}

template <typename T>
__device__ __forceinline__ void binary_broadcast_body(
    int op, const T* a, const T* b, T* out, long long n, const Broadcast& index) {
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
    out[i] = from_float<T>(binary_value(op, to_float(a[ia]), to_float(b[ib])));
  }
}

// ---- kernels ----

#define BINARY_ENTRIES(suffix, T)                                                                                \
  extern "C" __global__ void binary_same_shape##suffix(int op, const T* a, const T* b, T* out, long long n) {    \
    binary_same_shape_body<T>(op, a, b, out, n);                                                                 \
  }                                                                                                              \
  extern "C" __global__ void binary_broadcast##suffix(                                                          \
      int op, const T* a, const T* b, T* out, long long n, Broadcast index) {                                    \
    binary_broadcast_body<T>(op, a, b, out, n, index);                                                           \
  }
FOR_EACH_STORAGE(BINARY_ENTRIES)
