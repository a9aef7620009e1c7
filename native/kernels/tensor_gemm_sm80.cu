// Tensor-core GEMM for bf16 and fp16 inputs on sm_80 and newer: the m16n8k16 MMA, whose bf16 form Turing lacks.
// Built for compute capability 8.0 (the _sm80 suffix tells native/build-ptx.sh), so this module loads only there;
// the kernel body and its contract are in tensor_gemm.cuh, the split-K sum in tensor_gemm.cu.
#include "tensor_gemm.cuh"

// ---- kernels ----

HGEMM_ENTRY(hgemm_bf16, Mma::BF16_K16)
HGEMM_ENTRY(hgemm_f16, Mma::F16_K16)
