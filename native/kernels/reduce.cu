// Reductions along one axis: x viewed as [outer, n, inner] reduced over n into out [outer, inner], for each storage
// type (half.cuh; x and out share one, sums run in double either way).
// One block per output element (grid-stride over outer·inner), or per stretch of it when outputs are few and the
// axis long; a block's threads stride over its stretch, then meet in a tree.
#include "block.cuh"
#include "half.cuh"
#include "ops.cuh"

// Whether candidate (v, j) replaces the current best (best, at) for MAX/ARGMAX: the first maximum wins, and NaN
// beats every number (as torch.max propagates it). An index of -1 means "no candidate yet".
__device__ __forceinline__ bool takes_max(float v, int j, float best, int at) {
  if (j < 0) return false;
  if (at < 0) return true;
  bool vNan = isnan(v);
  if (vNan != (bool) isnan(best)) return vNan;
  if (!vNan && v != best) return v > best;
  return j < at;
}

// One block's result over a stretch of the axis: the sum (in double) and the first maximum with its index.
struct Partial {
  double sum;
  float best;
  int at;
};
static_assert(sizeof(Partial) == 16, "ReduceKernels.PARTIAL_BYTES sizes the workspace");

// The block reduces row[j·inner] for j in [begin, end); every thread gets the result. Scratch: three arrays of
// BLOCK_MAX_THREADS in shared memory.
template <typename T>
__device__ Partial reduce_block(
    bool isMax, const T* row, int inner, long long begin, long long end, double* sums, float* best, int* at) {
  unsigned t = threadIdx.x;
  double sum = 0.0;
  float b = 0.f;
  int a = -1;
  for (long long j = begin + t; j < end; j += blockDim.x) {
    float v = to_float(row[j * inner]);
    if (!isMax) {
      sum += v;
    } else if (takes_max(v, (int) j, b, a)) {
      b = v;
      a = (int) j;
    }
  }
  sums[t] = sum;
  best[t] = b;
  at[t] = a;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) {
      sums[t] += sums[t + s];
      if (takes_max(best[t + s], at[t + s], best[t], at[t])) {
        best[t] = best[t + s];
        at[t] = at[t + s];
      }
    }
    __syncthreads();
  }
  Partial result = {sums[0], best[0], at[0]};
  __syncthreads();  // everyone has read the tree's root before the next call reuses it
  return result;
}

__device__ __forceinline__ float finish(int op, const Partial& p, int n) {
  switch (static_cast<ReduceOp>(op)) {
    case ReduceOp::SUM: return (float) p.sum;
    case ReduceOp::MEAN: return (float) (p.sum / n);
    case ReduceOp::MAX: return p.best;
    default: return (float) p.at;  // ARGMAX
  }
}

// Sums accumulate in double: the conformance suite compares with a float64 reference on sizes up to 10^3+.
// One block per (output, chunk): the axis is cut into `chunks` equal stretches when there are too few outputs to
// keep the device busy (a whole-tensor sum has one). With one chunk the block writes out[o]; with more it writes
// partial[o·chunks + c], and reduce_chunks finishes.
template <typename T>
__device__ __forceinline__ void reduce_axis_body(
    int op, const T* x, int outer, int n, int inner, int chunks, Partial* partial, T* out) {
  __shared__ double sums[BLOCK_MAX_THREADS];
  __shared__ float best[BLOCK_MAX_THREADS];
  __shared__ int at[BLOCK_MAX_THREADS];
  bool isMax = op == (int) ReduceOp::MAX || op == (int) ReduceOp::ARGMAX;
  long long chunk = ((long long) n + chunks - 1) / chunks;
  for (long long item = blockIdx.x; item < (long long) outer * inner * chunks; item += gridDim.x) {
    long long o = item / chunks;
    long long begin = min((long long) n, item % chunks * chunk);
    const T* row = x + (o / inner) * (long long) n * inner + o % inner;  // element j at row[j·inner]
    Partial p = reduce_block(isMax, row, inner, begin, min((long long) n, begin + chunk), sums, best, at);
    if (threadIdx.x == 0) {
      if (chunks == 1) {
        out[o] = from_float<T>(finish(op, p, n));
      } else {
        partial[item] = p;
      }
    }
  }
}

// out[o] from its chunks, taken in order: sums add up the same way on every run, and the first maximum stays first.
template <typename T>
__device__ __forceinline__ void reduce_chunks_body(
    int op, long long outputs, int n, int chunks, const Partial* partial, T* out) {
  for (long long o = blockIdx.x * (long long) blockDim.x + threadIdx.x; o < outputs;
       o += (long long) gridDim.x * blockDim.x) {
    Partial total = {0.0, 0.f, -1};
    for (int c = 0; c < chunks; c++) {
      Partial p = partial[o * chunks + c];
      total.sum += p.sum;
      if (takes_max(p.best, p.at, total.best, total.at)) {
        total.best = p.best;
        total.at = p.at;
      }
    }
    out[o] = from_float<T>(finish(op, total, n));
  }
}

// ---- kernels ----

#define REDUCE_ENTRIES(suffix, T)                                                                                \
  extern "C" __global__ void reduce_axis##suffix(                                                               \
      int op, const T* x, int outer, int n, int inner, int chunks, Partial* partial, T* out) {                   \
    reduce_axis_body<T>(op, x, outer, n, inner, chunks, partial, out);                                           \
  }                                                                                                              \
  extern "C" __global__ void reduce_chunks##suffix(                                                             \
      int op, long long outputs, int n, int chunks, const Partial* partial, T* out) {                            \
    reduce_chunks_body<T>(op, outputs, n, chunks, partial, out);                                                 \
  }
FOR_EACH_STORAGE(REDUCE_ENTRIES)
