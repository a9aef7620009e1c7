// A CUDA emulator for the host, for tests without a GPU: it runs a kernel's own source, compiled by g++, one OS
// thread per CUDA thread, blocks one after another. __syncthreads is a barrier of the block's threads; __shared__
// variables are statics (one block runs at a time); the warp-level MMA exchanges fragments between the warp's 32
// threads and computes each lane's outputs from the PTX ISA's fragment tables, so a kernel that places fragments
// wrongly computes wrong products here too. Floating-point order within an MMA is not the hardware's: compare
// with tolerances. Include this first, then the kernel's .cu file.
#pragma once

#define CUDA_HOST_EMULATOR 1  // kernels take their host branch (cp.async, ldmatrix, mma) instead of inline PTX

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

// One warp's fragment exchange for host_mma and host_ldmatrix_x4.
struct HostWarp {
  unsigned a[32][4];
  unsigned b[32][2];
  const unsigned short* rows[32];
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

// ldmatrix.sync.aligned.m8n8.x4[.trans].shared.b16: lane 8j + r passes the address of row r of matrix j (8
// contiguous 16-bit elements); register j of lane l gets matrix j's elements (l / 4, 2(l % 4)) and (l / 4,
// 2(l % 4) + 1), the first in the low half — with trans, (2(l % 4), l / 4) and (2(l % 4) + 1, l / 4).
inline void host_ldmatrix_x4(bool trans, unsigned* r, const void* row) {
  unsigned tid = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  HostWarp& w = *host_warps[tid / 32];
  int lane = tid % 32;
  if (reinterpret_cast<unsigned long long>(row) % 16 != 0) {
    fprintf(stderr, "ldmatrix: lane %d's row address is not 16-byte aligned\n", lane);
    abort();
  }
  w.rows[lane] = static_cast<const unsigned short*>(row);
  w.sync.arrive_and_wait();
  for (int j = 0; j < 4; j++) {
    unsigned lo, hi;
    if (trans) {
      lo = w.rows[8 * j + 2 * (lane % 4)][lane / 4];
      hi = w.rows[8 * j + 2 * (lane % 4) + 1][lane / 4];
    } else {
      lo = w.rows[8 * j + lane / 4][2 * (lane % 4)];
      hi = w.rows[8 * j + lane / 4][2 * (lane % 4) + 1];
    }
    r[j] = lo | hi << 16;
  }
  w.sync.arrive_and_wait();
}

// cp.async with its delay: a copy reads global memory when issued, fills its destination with 0xff bytes (NaN in
// bf16 and fp16) at once, and lands only when its thread's cp.async.wait_group retires its group. A kernel that
// reads a stage before waiting, reads another thread's copies before the barrier after the wait, or requests a
// stage that a warp is still multiplying reads NaN here too.
struct HostAsyncCopy {
  void* to;
  unsigned char bytes[16];
  int group;
};
inline thread_local std::vector<HostAsyncCopy> host_async_copies;
inline thread_local int host_async_groups = 0;  // committed groups so far

inline void host_cp_async16(void* shared, const void* global, bool inside) {
  if (reinterpret_cast<unsigned long long>(shared) % 16 != 0 ||
      (inside && reinterpret_cast<unsigned long long>(global) % 16 != 0)) {
    fprintf(stderr, "cp.async: a 16-byte copy's address is not 16-byte aligned\n");
    abort();
  }
  HostAsyncCopy c{shared, {}, host_async_groups};
  if (inside) std::memcpy(c.bytes, global, 16);
  std::memset(shared, 0xff, 16);
  host_async_copies.push_back(c);
}

inline void host_cp_async_commit() { host_async_groups++; }

// Lands every copy of the groups older than the newest `pending` committed ones.
inline void host_cp_async_wait(int pending) {
  std::vector<HostAsyncCopy> later;
  for (const HostAsyncCopy& c : host_async_copies) {
    if (c.group < host_async_groups - pending) {
      std::memcpy(c.to, c.bytes, 16);
    } else {
      later.push_back(c);
    }
  }
  host_async_copies.swap(later);
}

// extern __shared__ (dynamic shared memory) of the running block, sized by host_launch's sharedBytes.
inline unsigned char* host_dynamic_shared;

// Runs body() as the kernel launch <<<grid, block, sharedBytes>>>; the dynamic shared memory starts as garbage
// (0xff bytes, a NaN pattern in bf16 and fp16), as a device's does.
template <typename Body>
void host_launch(dim3 grid, dim3 block, size_t sharedBytes, Body body) {
  std::vector<unsigned char> shared(sharedBytes + 16);
  unsigned char* aligned = shared.data() + (16 - reinterpret_cast<unsigned long long>(shared.data()) % 16) % 16;
  host_dynamic_shared = aligned;
  gridDim = grid;
  blockDim = block;
  unsigned threads = block.x * block.y * block.z;
  for (unsigned z = 0; z < grid.z; z++) {
    for (unsigned y = 0; y < grid.y; y++) {
      for (unsigned x = 0; x < grid.x; x++) {
        std::memset(aligned, 0xff, sharedBytes);
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
            if (!host_async_copies.empty()) {
              fprintf(stderr, "cp.async: a thread ended with copies not waited for\n");
              abort();
            }
          });
        }
        for (std::thread& th : pool) th.join();
      }
    }
  }
}

// Runs body() as the kernel launch <<<grid, block>>>.
template <typename Body>
void host_launch(dim3 grid, dim3 block, Body body) {
  host_launch(grid, block, 0, body);
}
