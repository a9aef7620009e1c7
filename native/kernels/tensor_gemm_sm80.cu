// Tensor-core GEMM for bf16 and fp16 inputs on sm_80 and newer (the m16n8k16 MMA, whose bf16 form Turing lacks,
// with cp.async and ldmatrix). Built for compute capability 8.0 (the _sm80 suffix tells native/build-ptx.sh), so
// this module loads only there. The kernel body and its contract are in tensor_gemm_pipeline.cuh, the split-K sum
// in tensor_gemm.cu. One entry per input type and shape, hgemm_<type>_<BM>x<BN>[k64|p] (64×64 per warp, 32×32 in
// 64x64, the small products' kernel; K 32 per stage unless k64; p: fragments prefetched across K steps):
// TensorGemm.Variant lists them with their block size and dynamic shared memory.
#include "tensor_gemm_pipeline.cuh"

// ---- kernels ----

HGEMM_PIPELINED_ENTRY(hgemm_bf16_128x256p, Mma::BF16_K16, 128, 256, 32, 64, 64, 3, true)
HGEMM_PIPELINED_ENTRY(hgemm_bf16_128x256, Mma::BF16_K16, 128, 256, 32, 64, 64, 3, false)
HGEMM_PIPELINED_ENTRY(hgemm_bf16_128x128, Mma::BF16_K16, 128, 128, 32, 64, 64, 4, false)
HGEMM_PIPELINED_ENTRY(hgemm_bf16_128x256k64, Mma::BF16_K16, 128, 256, 64, 64, 64, 3, false)
HGEMM_PIPELINED_ENTRY(hgemm_bf16_64x64, Mma::BF16_K16, 64, 64, 32, 32, 32, 3, false)
HGEMM_PIPELINED_ENTRY(hgemm_f16_128x256p, Mma::F16_K16, 128, 256, 32, 64, 64, 3, true)
HGEMM_PIPELINED_ENTRY(hgemm_f16_128x256, Mma::F16_K16, 128, 256, 32, 64, 64, 3, false)
HGEMM_PIPELINED_ENTRY(hgemm_f16_128x128, Mma::F16_K16, 128, 128, 32, 64, 64, 4, false)
HGEMM_PIPELINED_ENTRY(hgemm_f16_128x256k64, Mma::F16_K16, 128, 256, 64, 64, 64, 3, false)
HGEMM_PIPELINED_ENTRY(hgemm_f16_64x64, Mma::F16_K16, 64, 64, 32, 32, 32, 3, false)
