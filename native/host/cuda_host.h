// A CUDA emulator for the host, for tests without a GPU: it runs a kernel's own source, compiled by g++, one OS
// thread per CUDA thread, blocks one after another. __syncthreads is a barrier of the block's threads; __shared__
// variables are statics (one block runs at a time); the warp-level MMA exchanges fragments between the warp's 32
// threads and computes each lane's outputs from the PTX ISA's fragment tables, so a kernel that places fragments
// wrongly computes wrong products here too. Floating-point order within an MMA is not the hardware's: compare
// with tolerances. Include this first, then the kernel's .cu file.
#pragma once

#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <math.h>
#include <memory>
#include <thread>
#include <vector>

using std::max;
using std::min;

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
struct uint2 {
  unsigned x, y;
};
struct double2 {
  double x, y;
};
inline double2 make_double2(double x, double y) { return {x, y}; }
struct uint4 {
  unsigned x, y, z, w;
};
inline uint2 make_uint2(unsigned x, unsigned y) { return {x, y}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __noinline__
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)

inline float __uint_as_float(unsigned u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline unsigned __float_as_uint(float f) {
  unsigned u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float __int_as_float(int i) { return __uint_as_float((unsigned) i); }

inline std::barrier<>* host_block_barrier;
inline void __syncthreads() { host_block_barrier->arrive_and_wait(); }

// One warp's fragment exchange for host_mma.
struct HostWarp {
  unsigned a[32][4];
  unsigned b[32][2];
  std::barrier<> sync{32};
};
inline std::vector<std::unique_ptr<HostWarp>> host_warps;

float host_half_value(unsigned bits, bool bf16);  // defined by a harness that runs MMAs (half.cuh decodes)

// mma.sync m16n8k{8,16}.row.col, f32 accumulate: every lane of the warp calls it with its own registers.
inline void host_mma(int k, bool bf16, float* d, const unsigned* a, const unsigned* b) {
  unsigned tid = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  HostWarp& w = *host_warps[tid / 32];
  int lane = tid % 32;
  for (int r = 0; r < k / 4; r++) w.a[lane][r] = a[r];
  for (int r = 0; r < k / 8; r++) w.b[lane][r] = b[r];
  w.sync.arrive_and_wait();
  int g = lane / 4;
  int t = lane % 4;
  for (int r = 0; r < 4; r++) {
    int row = g + (r >= 2 ? 8 : 0);
    int col = 2 * t + r % 2;
    double sum = d[r];
    for (int kk = 0; kk < k; kk++) {
      // A (row, kk): lane (row % 8)·4 + (kk % 8) / 2, register (row ≥ 8) + 2·(kk ≥ 8), half kk % 2.
      unsigned aw = w.a[(row % 8) * 4 + (kk % 8) / 2][(row >= 8) + 2 * (kk >= 8)];
      // B (kk, col): lane col·4 + (kk % 8) / 2, register (kk ≥ 8), half kk % 2.
      unsigned bw = w.b[col * 4 + (kk % 8) / 2][kk >= 8];
      sum += (double) host_half_value((aw >> (16 * (kk % 2))) & 0xffffu, bf16) *
             host_half_value((bw >> (16 * (kk % 2))) & 0xffffu, bf16);
    }
    d[r] = (float) sum;
  }
  w.sync.arrive_and_wait();
}

// Runs body() as the kernel launch <<<grid, block>>>.
template <typename Body>
void host_launch(dim3 grid, dim3 block, Body body) {
  gridDim = grid;
  blockDim = block;
  unsigned threads = block.x * block.y * block.z;
  for (unsigned z = 0; z < grid.z; z++) {
    for (unsigned y = 0; y < grid.y; y++) {
      for (unsigned x = 0; x < grid.x; x++) {
        std::barrier<> barrier(threads);
        host_block_barrier = &barrier;
        host_warps.clear();
        for (unsigned w = 0; w < (threads + 31) / 32; w++) host_warps.push_back(std::make_unique<HostWarp>());
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; t++) {
          pool.emplace_back([&, t, x, y, z] {
            threadIdx = {t % block.x, t / block.x % block.y, t / (block.x * block.y)};
            blockIdx = {x, y, z};
            body();
          });
        }
        for (std::thread& th : pool) th.join();
      }
    }
  }
}
