// Checks and times native/kernels/gemm.cu's kernels (each alone, then as TiledGemm picks and splits) against cuBLAS (float32, TF32 off) on the GPU, outside the JVM:
// every case runs each kernel on fresh random inputs into a NaN-poisoned C, compares with cuBLAS by
// ‖C − ref‖ / ‖ref‖, then times it with CUDA events (median of 7 rounds after a warm-up round, of 5, 20 or 200 launches by size).
//   nvcc -O3 -gencode arch=compute_75,code=compute_75 -I native/kernels docs/bench/sgemm_gpu.cu -lcublas -o sgemm_gpu
// compute_75 PTX only, so the driver compiles it for the device at load time, as it does for jgrad's PTX.
// One line per case and kernel: m n k trans kernel ms gflops relerr. An argument N runs the first N cases only.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gemm.cu"

#define CHECK(x)                                                                      \
  do {                                                                                \
    cudaError_t e = (x);                                                              \
    if (e != cudaSuccess) {                                                           \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e)); \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

struct Case {
  int m, n, k, ta, tb;
};

static cublasHandle_t handle;

static int multiprocessors;
static float* workspace;

static long long tiles(int m, int n, long long tile) { return (m + tile - 1) / tile * ((n + tile - 1) / tile); }

// TiledGemm.prefersLarge, splits and chunk, for one matrix (batch 1).
static bool prefers_large(const Case& c) { return tiles(c.m, c.n, 128) >= std::max(1, multiprocessors / 4); }

static int splits_for(const Case& c, int tile) {
  long long blocks = tiles(c.m, c.n, tile);
  if (blocks >= multiprocessors) return 1;
  long long wanted = std::min((multiprocessors + blocks - 1) / blocks, (long long) c.k / 64);
  if (wanted <= 1) return 1;
  int chunk = ((c.k + (int) wanted - 1) / (int) wanted + 15) / 16 * 16;
  return (c.k + chunk - 1) / chunk;
}

static void launch(bool large, int splits, const Case& c, float alpha, const float* A, const float* B, float beta,
                   float* C, long long strideC) {
  if (large) {
    dim3 grid((c.m + 127) / 128, (c.n + 127) / 128, splits);
    sgemm_large<<<grid, 256>>>(c.ta, c.tb, c.m, c.n, c.k, splits, alpha, A, 0, B, 0, beta, C, strideC);
  } else {
    dim3 grid((c.m + 63) / 64, (c.n + 63) / 64, splits);
    sgemm_tiled<<<grid, dim3(16, 16)>>>(c.ta, c.tb, c.m, c.n, c.k, splits, alpha, A, 0, B, 0, beta, C, strideC);
  }
}

// 0: cuBLAS; 1: sgemm_tiled; 2: sgemm_large; 3: what TiledGemm runs (either, split along K when it would).
static void run(int kernel, const Case& c, const float* A, const float* B, float* C) {
  if (kernel == 0) {
    cublasOperation_t opA = c.ta ? CUBLAS_OP_T : CUBLAS_OP_N;
    cublasOperation_t opB = c.tb ? CUBLAS_OP_T : CUBLAS_OP_N;
    float one = 1, zero = 0;
    // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
    cublasSgemm(handle, opB, opA, c.n, c.m, c.k, &one, B, c.tb ? c.k : c.n, A, c.ta ? c.m : c.k, &zero, C, c.n);
  } else if (kernel < 3) {
    launch(kernel == 2, 1, c, 1.f, A, B, 0.f, C, 0);
  } else {
    bool large = prefers_large(c);
    int splits = splits_for(c, large ? 128 : 64);
    if (splits == 1) {
      launch(large, 1, c, 1.f, A, B, 0.f, C, 0);
    } else {
      long long count = (long long) c.m * c.n;
      launch(large, splits, c, 1.f, A, B, 0.f, workspace, count);
      sgemm_sum_splits<<<(int) std::min((count + 255) / 256, 65535LL), 256>>>(count, 1, splits, 1.f, workspace, 0.f,
                                                                              C, 0);
    }
  }
}

static const char* NAMES[] = {"cublas", "tiled64", "large128", "jgrad"};

__global__ void fill_random(float* x, size_t n, unsigned seed) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
    unsigned h = (unsigned) i * 2654435761u ^ seed;
    h ^= h >> 16; h *= 2246822519u; h ^= h >> 13; h *= 3266489917u; h ^= h >> 16;
    x[i] = (h >> 8) * (2.f / 16777216.f) - 1.f;
  }
}

__global__ void fill_nan(float* x, size_t n) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
    x[i] = nanf("");
  }
}

int main(int argc, char** argv) {
  std::vector<Case> cases = {
      {4096, 4096, 4096, 0, 0}, {4096, 4096, 4096, 0, 1}, {4096, 4096, 4096, 1, 0}, {4096, 4096, 4096, 1, 1},
      {2048, 2048, 2048, 0, 0}, {1024, 1024, 1024, 0, 0}, {8192, 8192, 8192, 0, 0},
      {128, 512, 784, 0, 1},    {128, 784, 512, 0, 0},    {784, 512, 128, 1, 0},
      {1024, 4096, 4096, 0, 1}, {1024, 4096, 4096, 0, 0}, {4096, 4096, 1024, 1, 0},
      {1000, 999, 1001, 0, 0},  {1000, 999, 1001, 0, 1},  {1000, 999, 1001, 1, 0},  {1000, 999, 1001, 1, 1},
      {129, 127, 9, 0, 0},      {1, 1, 1, 1, 1},          {3, 300, 5, 1, 0}};
  if (argc > 1) cases.resize(atoi(argv[1]));  // the first N cases only
  cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, 0);
  CHECK(cudaMalloc(&workspace, (size_t) 64 << 20));  // 16M floats: more than any split case here needs
  cublasCreate(&handle);
  cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH);  // pure float32: no TF32
  size_t most = 0;
  for (auto& c : cases) most = std::max({most, (size_t) c.m * c.k, (size_t) c.k * c.n, (size_t) c.m * c.n});
  float *A, *B, *C, *ref;
  CHECK(cudaMalloc(&A, most * 4));
  CHECK(cudaMalloc(&B, most * 4));
  CHECK(cudaMalloc(&C, most * 4));
  CHECK(cudaMalloc(&ref, most * 4));
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  unsigned seed = 1;
  printf("%6s %6s %6s %5s %-9s %9s %9s %9s\n", "m", "n", "k", "trans", "kernel", "ms", "GFLOP/s", "relerr");
  for (auto& c : cases) {
    for (int kernel = 0; kernel < 4; kernel++) {
      fill_random<<<1024, 256>>>(A, (size_t) c.m * c.k, seed++);
      fill_random<<<1024, 256>>>(B, (size_t) c.k * c.n, seed++);
      run(0, c, A, B, ref);
      fill_nan<<<1024, 256>>>(C, (size_t) c.m * c.n);
      run(kernel, c, A, B, C);
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      std::vector<float> h((size_t) c.m * c.n), r((size_t) c.m * c.n);
      CHECK(cudaMemcpy(h.data(), C, h.size() * 4, cudaMemcpyDeviceToHost));
      CHECK(cudaMemcpy(r.data(), ref, r.size() * 4, cudaMemcpyDeviceToHost));
      double num = 0, den = 0;
      for (size_t i = 0; i < h.size(); i++) {
        double d = (double) h[i] - r[i];
        num += d * d;
        den += (double) r[i] * r[i];
      }
      double relerr = std::isfinite(num) ? std::sqrt(num / den) : NAN;  // NaN: an element was never written
      double flops = 2.0 * c.m * c.n * c.k;
      int reps = flops > 1e11 ? 5 : flops > 1e9 ? 20 : 200;
      std::vector<float> times;
      for (int round = 0; round < 8; round++) {
        cudaEventRecord(start);
        for (int i = 0; i < reps; i++) run(kernel, c, A, B, C);
        cudaEventRecord(stop);
        CHECK(cudaEventSynchronize(stop));
        float ms;
        cudaEventElapsedTime(&ms, start, stop);
        if (round > 0) times.push_back(ms / reps);  // round 0 warms up
      }
      std::sort(times.begin(), times.end());
      float ms = times[times.size() / 2];
      printf("%6d %6d %6d %4s%s %-9s %9.4f %9.1f %9.2e\n", c.m, c.n, c.k, c.ta ? "T" : "N", c.tb ? "T" : "N",
             NAMES[kernel], ms, flops / ms / 1e6, relerr);
      fflush(stdout);
    }
  }
  return 0;
}
