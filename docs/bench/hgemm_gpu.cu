// Checks and times jgrad's 16-bit tensor-core GEMMs (native/kernels/tensor_gemm_sm80.cu: every TensorGemm.Variant
// entry, bf16 in, float32 accumulation) against cuBLAS's cublasGemmEx (CUDA_R_16BF in, CUBLAS_COMPUTE_32F) on the
// GPU, outside the JVM. Every case draws fresh random inputs in [−1, 1) (never zeros), runs each kernel into a C
// poisoned with NaN (so an element never written shows as NaN), compares with cuBLAS by ‖C − ref‖ / ‖ref‖ in
// float64, then times it with CUDA events (median of 7 rounds after a warm-up round).
//   nvcc -O3 -arch=sm_90 -I native/kernels docs/bench/hgemm_gpu.cu -lcublas -ldl -o hgemm_gpu && ./hgemm_gpu
// (-arch=sm_80 on an A100.) One line per case and kernel: m n k trans C kernel ms TFLOP/s ×cuBLAS relerr unwritten;
// then the split-K path (partial products and hgemm_sum_splits, as TensorGemm runs them) and the cuBLAS probe.
// An argument N runs the first N cases only.
//
// The probe calls cublasGemmEx with the arguments jgrad's CublasGemm16 passes (row-major swap, alpha and beta as
// host floats, CUDA_R_16BF in, CUDA_R_32F or CUDA_R_16BF out, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT, a handle on
// a non-blocking stream in CUBLAS_DEFAULT_MATH) and says whether C changed; with HGEMM_SHIM=DIR/libcublas.so.12
// (native/cublas12-shim.sh) it makes the same calls through that library too. jgrad's earlier failure (success
// reported, C untouched) was JCublas2's cublasGemmEx taking a legacy cudaDataType compute type: see CublasGemm16.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensor_gemm.cu"
#include "tensor_gemm_sm80.cu"

#define CHECK(x)                                                                        \
  do {                                                                                  \
    cudaError_t e = (x);                                                                \
    if (e != cudaSuccess) {                                                             \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e)); \
      exit(1);                                                                          \
    }                                                                                   \
  } while (0)
#define CHECK_BLAS(x)                                                             \
  do {                                                                            \
    cublasStatus_t s = (x);                                                       \
    if (s != CUBLAS_STATUS_SUCCESS) {                                             \
      fprintf(stderr, "%s:%d %s: cuBLAS status %d\n", __FILE__, __LINE__, #x, s); \
      exit(1);                                                                    \
    }                                                                             \
  } while (0)

typedef void (*Entry)(int, int, int, int, int, int, float, const bits16*, long long, const bits16*, long long, float,
                      int, void*, long long);

// TensorGemm.Variant: entry, block tile, threads, dynamic shared memory.
struct Variant {
  const char* name;
  Entry entry;
  int tileM, tileN, threads, shared;
};

template <int BM, int BN, int BK, int STAGES, bool PREFETCH, int WARP = 64>
static Variant variant(const char* name, Entry entry) {
  typedef PipelinedGemm<Mma::BF16_K16, BM, BN, BK, WARP, WARP, STAGES, PREFETCH> G;
  return {name, entry, BM, BN, G::THREADS, G::SHARED_BYTES};
}

// TensorGemm.Variant, DEFAULT first: the split-K check below runs it.
static std::vector<Variant> VARIANTS = {
    variant<128, 256, 32, 3, true>("128x256p", hgemm_bf16_128x256p),
    variant<128, 256, 32, 3, false>("128x256", hgemm_bf16_128x256),
    variant<128, 128, 32, 4, false>("128x128", hgemm_bf16_128x128),
    variant<128, 256, 64, 3, false>("128x256k64", hgemm_bf16_128x256k64),
    variant<64, 64, 32, 3, false, 32>("64x64", hgemm_bf16_64x64),  // TensorGemm's kernel for small products
};

struct Case {
  int m, n, k, ta, tb;
  Storage c;  // C's type: FLOAT32 or BFLOAT16
};

static cublasHandle_t handle;

static void launch(const Variant& v, const Case& c, int splits, float alpha, const bits16* A, const bits16* B,
                   float beta, Storage type, void* C, long long strideC) {
  dim3 grid((c.m + v.tileM - 1) / v.tileM, (c.n + v.tileN - 1) / v.tileN, splits);
  v.entry<<<grid, v.threads, v.shared>>>(c.ta, c.tb, c.m, c.n, c.k, splits, alpha, A, 0, B, 0, beta, (int) type, C,
                                         strideC);
}

static void cublas(const Case& c, float alpha, const bits16* A, const bits16* B, float beta, void* C) {
  cublasOperation_t opA = c.ta ? CUBLAS_OP_T : CUBLAS_OP_N;
  cublasOperation_t opB = c.tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
  CHECK_BLAS(cublasGemmEx(handle, opB, opA, c.n, c.m, c.k, &alpha, B, CUDA_R_16BF, c.tb ? c.k : c.n, A, CUDA_R_16BF,
                          c.ta ? c.m : c.k, &beta, C, c.c == Storage::FLOAT32 ? CUDA_R_32F : CUDA_R_16BF, c.n,
                          CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

__global__ void fill_random(bits16* x, size_t n, unsigned seed) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
    unsigned h = (unsigned) i * 2654435761u ^ seed;
    h ^= h >> 16; h *= 2246822519u; h ^= h >> 13; h *= 3266489917u; h ^= h >> 16;
    x[i] = float_to_bf16((h >> 8) * (2.f / 16777216.f) - 1.f);
  }
}

__global__ void fill_nan(void* x, size_t n, int cType) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
    if (cType == 0) static_cast<unsigned*>(x)[i] = 0x7fc00000u; else static_cast<bits16*>(x)[i] = 0x7fc0;
  }
}

static std::vector<double> download(const void* C, size_t n, Storage type) {
  std::vector<double> out(n);
  if (type == Storage::FLOAT32) {
    std::vector<float> h(n);
    CHECK(cudaMemcpy(h.data(), C, n * 4, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < n; i++) out[i] = h[i];
  } else {
    std::vector<bits16> h(n);
    CHECK(cudaMemcpy(h.data(), C, n * 2, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < n; i++) {
      unsigned bits = (unsigned) h[i] << 16;  // bf16 is float32's upper half
      float f;
      memcpy(&f, &bits, 4);
      out[i] = f;
    }
  }
  return out;
}

// ‖got − ref‖ / ‖ref‖, and how many elements of got are NaN (never written over the poison).
static double relative_error(const std::vector<double>& got, const std::vector<double>& ref, long long* unwritten) {
  double num = 0, den = 0;
  *unwritten = 0;
  for (size_t i = 0; i < got.size(); i++) {
    if (std::isnan(got[i])) {
      (*unwritten)++;
      continue;
    }
    num += (got[i] - ref[i]) * (got[i] - ref[i]);
    den += ref[i] * ref[i];
  }
  return *unwritten ? NAN : std::sqrt(num / den);
}

template <typename Run>
static float median_ms(const Case& c, Run run) {
  double flops = 2.0 * c.m * c.n * c.k;
  int reps = flops > 1e11 ? 20 : flops > 1e9 ? 50 : 200;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  std::vector<float> times;
  for (int round = 0; round < 8; round++) {
    cudaEventRecord(start);
    for (int i = 0; i < reps; i++) run();
    cudaEventRecord(stop);
    CHECK(cudaEventSynchronize(stop));
    CHECK(cudaGetLastError());
    float ms;
    cudaEventElapsedTime(&ms, start, stop);
    if (round > 0) times.push_back(ms / reps);  // round 0 warms up
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// cublasGemmEx as CublasGemm16 calls it, through `gemmEx` (cuBLAS 13 linked here, or the shim); prints whether C
// changed from its poison.
typedef cublasStatus_t (*GemmEx)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                                 const void*, cudaDataType, int, const void*, cudaDataType, int, const void*, void*,
                                 cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t);

static void probe(const char* via, cublasHandle_t h, GemmEx gemmEx, const bits16* A, const bits16* B, void* C) {
  const int m = 64, n = 48, k = 40;
  for (int out = 0; out < 2; out++) {
    Storage type = out == 0 ? Storage::FLOAT32 : Storage::BFLOAT16;
    fill_nan<<<64, 256>>>(C, (size_t) m * n, (int) type);
    CHECK(cudaDeviceSynchronize());
    float alpha = 1.f, beta = 0.f;
    // CublasGemm16: transA = transB = false, lda = k, ldb = n, ldc = n, swapped operands.
    cublasStatus_t s = gemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, B, CUDA_R_16BF, n, A, CUDA_R_16BF, k,
                              &beta, C, out == 0 ? CUDA_R_32F : CUDA_R_16BF, n, CUBLAS_COMPUTE_32F,
                              CUBLAS_GEMM_DEFAULT);
    CHECK(cudaDeviceSynchronize());
    long long unwritten;
    std::vector<double> got = download(C, (size_t) m * n, type);
    std::vector<double> zero(got.size(), 1.0);
    relative_error(got, zero, &unwritten);
    printf("probe %-6s C %-4s: status %d, %lld of %d elements still NaN (%s)\n", via, out == 0 ? "f32" : "bf16", s,
           unwritten, m * n, unwritten == 0 ? "C written" : unwritten == m * n ? "C untouched" : "partly written");
  }
}

int main(int argc, char** argv) {
  const Storage F = Storage::FLOAT32, H = Storage::BFLOAT16;
  std::vector<Case> cases = {
      {4096, 4096, 4096, 0, 0, F}, {4096, 4096, 4096, 0, 1, F}, {4096, 4096, 4096, 1, 0, F},
      {4096, 4096, 4096, 1, 1, F}, {4096, 4096, 4096, 0, 0, H},
      // The MLP 784-4096-4096-10 at batch 1024: forward (x·Wᵀ), backward dX = dY·W, dW = dYᵀ·X, first layer.
      {1024, 4096, 4096, 0, 1, H}, {1024, 4096, 4096, 0, 0, H}, {4096, 4096, 1024, 1, 0, F},
      {1024, 4096, 784, 0, 1, H},  {8192, 8192, 8192, 0, 0, F}, {2048, 2048, 2048, 0, 0, F},
      // The narrow default model at batch 128 (784-512-256-10): forward, and dW of the first layer; TensorGemm
      // runs these on 64x64 (unsplit here, so its times are a floor).
      {128, 512, 784, 0, 1, H},    {512, 784, 128, 1, 0, F},
      // Odd sizes: the element-wise load path and clipped tiles (correctness; their times mean little).
      {1000, 999, 1001, 0, 0, F},  {1000, 999, 1001, 1, 1, H},  {129, 127, 9, 0, 1, F},
      {1, 1, 1, 1, 1, F},          {3, 300, 5, 1, 0, H}};
  if (argc > 1) cases.resize(atoi(argv[1]));  // the first N cases only
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  printf("%s, sm_%d%d, %d multiprocessors, %zu KB shared per block (opt-in)\n", prop.name, prop.major, prop.minor,
         prop.multiProcessorCount, prop.sharedMemPerBlockOptin / 1024);
  for (const Variant& v : VARIANTS) {
    CHECK(cudaFuncSetAttribute(v.entry, cudaFuncAttributeMaxDynamicSharedMemorySize, v.shared));
    int blocks = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, v.entry, v.threads, v.shared));
    cudaFuncAttributes attr;
    CHECK(cudaFuncGetAttributes(&attr, v.entry));
    printf("variant %-11s %3d threads, %6d B shared, %3d registers, %zu B local, %d blocks/SM\n", v.name, v.threads,
           v.shared, attr.numRegs, attr.localSizeBytes, blocks);
  }
  CHECK_BLAS(cublasCreate(&handle));
  CHECK_BLAS(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
  size_t most = 0;
  for (auto& c : cases) most = std::max({most, (size_t) c.m * c.k, (size_t) c.k * c.n, (size_t) c.m * c.n});
  bits16 *A, *B;
  void *C, *ref;
  float* partial;
  CHECK(cudaMalloc(&A, most * 2));
  CHECK(cudaMalloc(&B, most * 2));
  CHECK(cudaMalloc(&C, most * 4));
  CHECK(cudaMalloc(&ref, most * 4));
  CHECK(cudaMalloc(&partial, (size_t) 1024 * 4096 * 4 * 4));  // the split case: 4 chunks of 1024×4096 floats
  unsigned seed = 1;
  printf("\n%6s %6s %6s %5s %4s %-11s %9s %8s %7s %9s %9s\n", "m", "n", "k", "trans", "C", "kernel", "ms", "TFLOP/s",
         "xcuBLAS", "relerr", "unwritten");
  for (auto& c : cases) {
    size_t count = (size_t) c.m * c.n;
    double flops = 2.0 * c.m * c.n * c.k;
    float cublasMs = 0;
    for (int kernel = -1; kernel < (int) VARIANTS.size(); kernel++) {
      fill_random<<<1024, 256>>>(A, (size_t) c.m * c.k, seed++);
      fill_random<<<1024, 256>>>(B, (size_t) c.k * c.n, seed++);
      fill_nan<<<1024, 256>>>(ref, count, (int) c.c);
      cublas(c, 1.f, A, B, 0.f, ref);
      fill_nan<<<1024, 256>>>(C, count, (int) c.c);
      auto run = [&] {
        if (kernel < 0) cublas(c, 1.f, A, B, 0.f, C);
        else launch(VARIANTS[kernel], c, 1, 1.f, A, B, 0.f, c.c, C, count);
      };
      run();
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      long long unwritten;
      double relerr = relative_error(download(C, count, c.c), download(ref, count, c.c), &unwritten);
      float ms = median_ms(c, run);
      if (kernel < 0) cublasMs = ms;
      printf("%6d %6d %6d %4s%s %4s %-11s %9.4f %8.1f %7.3f %9.2e %9lld\n", c.m, c.n, c.k, c.ta ? "T" : "N",
             c.tb ? "T" : "N", c.c == F ? "f32" : "bf16", kernel < 0 ? "cublas" : VARIANTS[kernel].name, ms,
             flops / ms / 1e9, cublasMs / ms, relerr, unwritten);
      fflush(stdout);
    }
  }

  // Split K as TensorGemm runs it (partial products in float32, hgemm_sum_splits adds them in order), alpha 0.5 and
  // beta 0.25 over a random C: the default variant against cuBLAS with the same alpha and beta.
  {
    Case c{1024, 4096, 784, 0, 1, Storage::BFLOAT16};
    size_t count = (size_t) c.m * c.n;
    fill_random<<<1024, 256>>>(A, (size_t) c.m * c.k, seed++);
    fill_random<<<1024, 256>>>(B, (size_t) c.k * c.n, seed++);
    fill_random<<<1024, 256>>>(static_cast<bits16*>(ref), count, seed);
    fill_random<<<1024, 256>>>(static_cast<bits16*>(C), count, seed++);
    cublas(c, 0.5f, A, B, 0.25f, ref);
    for (int splits : {2, 3}) {
      if (splits == 3) fill_random<<<1024, 256>>>(static_cast<bits16*>(C), count, seed - 1);
      launch(VARIANTS[0], c, splits, 1.f, A, B, 0.f, Storage::FLOAT32, partial, count);
      hgemm_sum_splits<<<(int) std::min((count + 255) / 256, (size_t) 65535), 256>>>(
          count, 1, splits, 0.5f, partial, 0.25f, (int) c.c, C, 0);
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      long long unwritten;
      double relerr = relative_error(download(C, count, c.c), download(ref, count, c.c), &unwritten);
      printf("split K %d (%s, 1024x4096x784 NT, C bf16, alpha 0.5, beta 0.25): relerr %.2e vs cuBLAS\n", splits,
             VARIANTS[0].name, relerr);
    }
  }

  // cublasGemmEx as jgrad calls it: a handle on a non-blocking stream, default math.
  {
    cudaStream_t stream;
    CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    fill_random<<<64, 256>>>(A, 64 * 40, seed++);
    fill_random<<<64, 256>>>(B, 40 * 48, seed++);
    cublasHandle_t h;
    CHECK_BLAS(cublasCreate(&h));
    CHECK_BLAS(cublasSetStream(h, stream));
    CHECK_BLAS(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
    probe("cuBLAS", h, cublasGemmEx, A, B, C);
    const char* shim = getenv("HGEMM_SHIM");
    if (shim != nullptr) {
      void* lib = dlopen(shim, RTLD_NOW | RTLD_LOCAL);
      if (lib == nullptr) {
        printf("probe shim: %s\n", dlerror());
      } else {
        typedef cublasStatus_t (*Create)(cublasHandle_t*);
        typedef cublasStatus_t (*SetStream)(cublasHandle_t, cudaStream_t);
        typedef cublasStatus_t (*SetMath)(cublasHandle_t, cublasMath_t);
        cublasHandle_t hs;
        CHECK_BLAS(((Create) dlsym(lib, "cublasCreate_v2"))(&hs));
        CHECK_BLAS(((SetStream) dlsym(lib, "cublasSetStream_v2"))(hs, stream));
        CHECK_BLAS(((SetMath) dlsym(lib, "cublasSetMathMode"))(hs, CUBLAS_DEFAULT_MATH));
        probe("shim", hs, (GemmEx) dlsym(lib, "cublasGemmEx"), A, B, C);
      }
    }
  }
  return 0;
}
