// Tensor-core GEMM for fp16 inputs on every supported GPU (sm_75+: the m16n8k8 MMA), and the split-K sum of both
// 16-bit GEMMs. The kernel body and its contract are in tensor_gemm.cuh; bf16, which needs sm_80, and the faster
// m16n8k16 fp16 kernel are in tensor_gemm_sm80.cu.
#include "tensor_gemm.cuh"

// ---- kernels ----

HGEMM_ENTRY(hgemm_f16_k8, Mma::F16_K8)

// C_b = alpha·Σ_s partial[b·splits + s] + beta·C_b over the `count` = M·N elements of each of `batch` matrices,
// the chunks added in order s = 0, 1, … so that the sum is the same on every run; C is float32, bf16 or fp16.
extern "C" __global__ void hgemm_sum_splits(
    long long count, int batch, int splits, float alpha, const float* partial, float beta, int cType, void* C,
    long long strideC) {
  Storage type = static_cast<Storage>(cType);
  for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < count * batch;
       e += (long long) gridDim.x * blockDim.x) {
    long long b = e / count;
    long long i = e % count;
    const float* chunks = partial + b * splits * count + i;
    float sum = 0.f;
    for (int s = 0; s < splits; s++) {
      sum += chunks[s * count];
    }
    long long at = b * strideC + i;
    float value = alpha * sum;
    store_from_float(type, C, at, beta == 0.f ? value : value + beta * load_as_float(type, C, at));
  }
}
