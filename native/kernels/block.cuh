// Block-wide reductions through shared memory. Launchers make blockDim.x a power of two no larger than
// BLOCK_MAX_THREADS; every thread of the block must call these (they synchronise).
#pragma once

#define BLOCK_MAX_THREADS 256

// Tree reduction of one float per thread; every thread gets the result. scratch holds BLOCK_MAX_THREADS floats.
template <typename Combine>
__device__ float block_reduce(float value, float* scratch, Combine combine) {
  scratch[threadIdx.x] = value;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      scratch[threadIdx.x] = combine(scratch[threadIdx.x], scratch[threadIdx.x + s]);
    }
    __syncthreads();
  }
  float result = scratch[0];
  __syncthreads();  // everyone has read scratch[0] before it is reused
  return result;
}

__device__ __forceinline__ float block_sum(float value, float* scratch) {
  return block_reduce(value, scratch, [](float a, float b) { return a + b; });
}

__device__ __forceinline__ float block_max(float value, float* scratch) {
  return block_reduce(value, scratch, [](float a, float b) { return fmaxf(a, b); });
}
