// Host harness of the tensor-core GEMM (TensorGemmHostTest): reads one product per line group from stdin, runs the
// kernel under cuda_host.h as TensorGemm launches it (split K: partial products into a float32 workspace, then
// hgemm_sum_splits), and prints C's elements as raw bits, one per line.
//   input: kernel transA transB batch m n k splits alphaBits betaBits cType strideA strideB strideC lenA lenB lenC,
//          then lenA + lenB 16-bit patterns and lenC patterns of C's type (float bits for float32)
//   kernel: an index into KERNELS below (0 = hgemm_f16_k8, then the sm_80 entries, bf16 and fp16 per shape)
#include "cuda_host.h"
#include "tensor_gemm.cu"
#include "tensor_gemm_sm80.cu"

float host_half_value(unsigned bits, bool bf16) {
  return bf16 ? bf16_to_float((bits16) bits) : f16_to_float((bits16) bits);
}

typedef void (*Entry)(int, int, int, int, int, int, float, const bits16*, long long, const bits16*, long long, float,
                      int, void*, long long);

// An entry with its launch geometry, as TensorGemm launches it.
struct Launch {
  Entry entry;
  int tileM, tileN, threads, sharedBytes;
};

template <Mma OP, int BM, int BN, int BK, int STAGES, bool PREFETCH, int WARP = 64>
constexpr Launch pipelined(Entry entry) {
  typedef PipelinedGemm<OP, BM, BN, BK, WARP, WARP, STAGES, PREFETCH> G;
  return {entry, BM, BN, G::THREADS, G::SHARED_BYTES};
}

static const Launch KERNELS[] = {
    {hgemm_f16_k8, HG_TILE, HG_TILE, HG_THREADS, 0},
    pipelined<Mma::BF16_K16, 128, 256, 32, 3, true>(hgemm_bf16_128x256p),
    pipelined<Mma::F16_K16, 128, 256, 32, 3, true>(hgemm_f16_128x256p),
    pipelined<Mma::BF16_K16, 128, 256, 32, 3, false>(hgemm_bf16_128x256),
    pipelined<Mma::F16_K16, 128, 256, 32, 3, false>(hgemm_f16_128x256),
    pipelined<Mma::BF16_K16, 128, 128, 32, 4, false>(hgemm_bf16_128x128),
    pipelined<Mma::F16_K16, 128, 128, 32, 4, false>(hgemm_f16_128x128),
    pipelined<Mma::BF16_K16, 128, 256, 64, 3, false>(hgemm_bf16_128x256k64),
    pipelined<Mma::F16_K16, 128, 256, 64, 3, false>(hgemm_f16_128x256k64),
    pipelined<Mma::BF16_K16, 64, 64, 32, 3, false, 32>(hgemm_bf16_64x64),
    pipelined<Mma::F16_K16, 64, 64, 32, 3, false, 32>(hgemm_f16_64x64),
};

int main() {
  int kernel, transA, transB, batch, m, n, k, splits, cType;
  unsigned alphaBits, betaBits;
  long long strideA, strideB, strideC, lenA, lenB, lenC;
  if (scanf("%d %d %d %d %d %d %d %d %u %u %d %lld %lld %lld %lld %lld %lld", &kernel, &transA, &transB, &batch, &m,
            &n, &k, &splits, &alphaBits, &betaBits, &cType, &strideA, &strideB, &strideC, &lenA, &lenB,
            &lenC) != 17) {
    return 2;
  }
  std::vector<bits16> a(lenA + 8), b(lenB + 8);  // vectors are 16-byte aligned by the allocator
  for (auto& x : a) x = 0;
  for (auto& x : b) x = 0;
  for (long long i = 0; i < lenA; i++) { unsigned v; if (scanf("%u", &v) != 1) return 2; a[i] = (bits16) v; }
  for (long long i = 0; i < lenB; i++) { unsigned v; if (scanf("%u", &v) != 1) return 2; b[i] = (bits16) v; }
  int cBytes = cType == 0 ? 4 : 2;
  std::vector<unsigned char> c(lenC * cBytes + 16);
  for (long long i = 0; i < lenC; i++) {
    unsigned v;
    if (scanf("%u", &v) != 1) return 2;
    if (cBytes == 4) std::memcpy(&c[i * 4], &v, 4); else { bits16 h = (bits16) v; std::memcpy(&c[i * 2], &h, 2); }
  }
  if (kernel < 0 || kernel >= (int) (sizeof(KERNELS) / sizeof(KERNELS[0]))) {
    return 2;
  }
  const Launch& launch = KERNELS[kernel];
  Entry entry = launch.entry;
  float alpha = __uint_as_float(alphaBits);
  float beta = __uint_as_float(betaBits);
  dim3 grid{(unsigned) ((m + launch.tileM - 1) / launch.tileM), (unsigned) ((n + launch.tileN - 1) / launch.tileN),
            (unsigned) (batch * splits)};
  dim3 block{(unsigned) launch.threads, 1, 1};
  size_t shared = launch.sharedBytes;
  if (splits == 1) {
    host_launch(grid, block, shared, [&] {
      entry(transA, transB, m, n, k, 1, alpha, a.data(), strideA, b.data(), strideB, beta, cType, c.data(), strideC);
    });
  } else {
    long long count = (long long) m * n;
    std::vector<float> partial(count * batch * splits, std::nanf(""));
    host_launch(grid, block, shared, [&] {
      entry(transA, transB, m, n, k, splits, 1.f, a.data(), strideA, b.data(), strideB, 0.f, 0, partial.data(),
            count);
    });
    host_launch(dim3{3, 1, 1}, dim3{64, 1, 1}, [&] {
      hgemm_sum_splits(count, batch, splits, alpha, partial.data(), beta, cType, c.data(), strideC);
    });
  }
  for (long long i = 0; i < lenC; i++) {
    unsigned v = 0;
    if (cBytes == 4) std::memcpy(&v, &c[i * 4], 4); else { bits16 h; std::memcpy(&h, &c[i * 2], 2); v = h; }
    printf("%u\n", v);
  }
  return 0;
}
