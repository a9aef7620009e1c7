// The tensor-core GEMM on 16-bit inputs with float32 accumulation, shared by tensor_gemm.cu (fp16 on sm_75, the
// m16n8k8 MMA) and tensor_gemm_sm80.cu (bf16 and fp16 on sm_80+, the m16n8k16 MMA). Contract as sgemm's in gemm.cu:
//   C_b = alpha·op(A_b)·op(B_b) + beta·C_b, row-major; op(A) [M, K] (stored [K, M] when transA), op(B) [K, N]
//   (stored [N, K] when transB), C [M, N]; matrix b of X at X + b·strideX (elements; 0 broadcasts); split K as in
//   gemm.cu (blockIdx.z = b·splits + s, partial products to a float32 workspace, added in order by
//   hgemm_sum_splits). C is float32, bf16 or fp16 (Storage), whatever the inputs are.
//
// Tiling: a block of 256 threads (8 warps, 2 along M × 4 along N) computes a 128×128 tile of C, each warp 64×32 as
// 4 × 4 MMA tiles of 16×8. Both operands sit in shared memory with K contiguous — A as [128 rows][K], B as
// [128 columns][K] — whatever their layout in global memory (a K-strided operand is transposed as it is stored),
// so that every fragment register is one 32-bit shared load of two K-adjacent elements. Rows are padded by 8
// elements (20 words): the 8 row groups × 4 K pairs of a fragment load then hit 32 distinct banks. K advances
// 32 at a time through two buffers: the next tile's global loads are in flight while this one is multiplied.
//
// Fragment layout (PTX ISA, "Matrix Fragments for mma.m16n8k16 / m16n8k8 with floating point type"): lane l has
// g = l / 4 and t = l % 4; each 32-bit register holds two K-adjacent elements, the lower K in the low half.
//   A (16×16): a0 = (row g, k 2t), a1 = (row g + 8, k 2t), a2 = (row g, k 2t + 8), a3 = (row g + 8, k 2t + 8)
//   B (16×8):  b0 = (k 2t, col g), b1 = (k 2t + 8, col g)
//   C (16×8):  c0, c1 = (row g, cols 2t, 2t + 1), c2, c3 = (row g + 8, cols 2t, 2t + 1)
// m16n8k8 is the first half of each (a0, a1; b0). TensorGemmHostTest runs this file on the host with an MMA that
// follows that table, against the CPU reference.
#pragma once

#include "half.cuh"

#define HG_TILE 128        // rows and columns of C per block
#define HG_K 32            // K per shared-memory stage
#define HG_THREADS 256
#define HG_PAD 8           // 16-bit elements of padding per shared-memory row
#define HG_ROW (HG_K + HG_PAD)
#define HG_SPLIT_ALIGN 16  // chunks of K are multiples of this, as gemm.cu's SPLIT_ALIGN

typedef bits16 HalfTile[HG_TILE][HG_ROW];  // tile[x][p] = op(input) at (x along M or N, p along K)

enum class Mma { F16_K8, F16_K16, BF16_K16 };

// D = A·B + D on one 16×8 tile; a holds K/4 registers, b K/8 (K = 8 or 16).
template <Mma OP>
__device__ __forceinline__ void mma_tile(float* d, const unsigned* a, const unsigned* b) {
#ifndef CUDA_HOST_EMULATOR
  if (OP == Mma::F16_K8) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(b[0]));
  } else if (OP == Mma::F16_K16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
#else
  host_mma(OP == Mma::F16_K8 ? 8 : 16, OP == Mma::BF16_K16, d, a, b);
#endif
}

// Chunk s of matrix b along K (gemm.cu's Split, with this file's alignment).
struct HalfSplit {
  int b;
  int pBegin;
  int pEnd;
  __device__ HalfSplit(int k, int splits) {
    int z = blockIdx.z;
    b = z / splits;
    unsigned chunk =
        splits == 1 ? k : (k / splits + (k % splits != 0) + HG_SPLIT_ALIGN - 1) / HG_SPLIT_ALIGN * HG_SPLIT_ALIGN;
    pBegin = (int) min((unsigned) k, (unsigned) (z % splits) * chunk);
    pEnd = (int) min((unsigned) k, pBegin + chunk);
  }
};

// One operand's share of a stage's loads: a [128, 32] tile, x along M (A) or N (B), p along K. In global memory
// its K axis is contiguous (A as stored, B transposed) or strided. Consecutive threads walk the contiguous axis,
// WIDTH elements at a time (8: one 16-byte load, when the launch found every load aligned and whole).
template <int WIDTH>
struct HalfLoader {
  static constexpr int LOADS = HG_TILE * HG_K / HG_THREADS / WIDTH;
  const bits16* next;    // this thread's first element of the tile to fetch
  long long loadStride;  // elements between this thread's loads
  long long kStride;     // elements between consecutive stages
  int x, p;              // load 0's element; load l is (x + l·xStep, p + l·pStep)
  int xStep, pStep;
  int xLimit;
  bool kContiguous;
  uint4 value[LOADS];    // WIDTH 8: eight elements; WIDTH 1: one, in value[l].x

  __device__ HalfLoader(const bits16* input, bool kContiguous, int size, int origin, int k, int pBegin)
      : kContiguous(kContiguous) {
    int tid = threadIdx.x;
    if (kContiguous) {  // stored [size, k]
      constexpr int perRow = HG_K / WIDTH;
      x = tid / perRow;
      p = tid % perRow * WIDTH;
      xStep = HG_THREADS / perRow;
      pStep = 0;
      next = input + (long long) (origin + x) * k + pBegin + p;
      loadStride = (long long) xStep * k;
      kStride = HG_K;
    } else {  // stored [k, size]
      constexpr int perRow = HG_TILE / WIDTH;
      x = tid % perRow * WIDTH;
      p = tid / perRow;
      xStep = 0;
      pStep = HG_THREADS / perRow;
      next = input + (long long) (pBegin + p) * size + origin + x;
      loadStride = (long long) pStep * size;
      kStride = (long long) HG_K * size;
    }
    xLimit = size - origin;
  }

  // Global → registers for the stage starting at p0; elements outside the matrix or past the chunk read as 0.
  // With WIDTH 8 the launch checked that the contiguous extent is a multiple of 8 (chunks start at multiples of
  // HG_SPLIT_ALIGN), so a vector is wholly inside or wholly outside.
  __device__ __forceinline__ void fetch(int p0, int pEnd) {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      bool inside = x + l * xStep < xLimit && p0 + p + l * pStep < pEnd;
      const bits16* at = next + l * loadStride;
      if (WIDTH == 8) {
        value[l] = inside ? *reinterpret_cast<const uint4*>(at) : make_uint4(0, 0, 0, 0);
      } else {
        value[l].x = inside ? *at : 0;
      }
    }
    next += kStride;
  }

  // Registers → shared memory, K contiguous: a K-contiguous vector is one 16-byte store, a strided one is
  // transposed into eight 2-byte stores down a column.
  __device__ __forceinline__ void store(HalfTile& tile) const {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      int row = x + l * xStep;
      int column = p + l * pStep;
      if (WIDTH == 8 && kContiguous) {
        *reinterpret_cast<uint4*>(&tile[row][column]) = value[l];
      } else if (WIDTH == 8) {
        const unsigned words[4] = {value[l].x, value[l].y, value[l].z, value[l].w};
#pragma unroll
        for (int w = 0; w < 8; w++) {
          tile[row + w][column] = (bits16) (words[w / 2] >> (16 * (w % 2)));
        }
      } else {
        tile[row][column] = (bits16) value[l].x;
      }
    }
  }
};

// The epilogue's one store per element, not inlined: 64 inlined copies of the three conversions made the PTX
// megabytes long, and a call per element of C costs nothing next to the K loop.
__device__ __noinline__ void store_scaled(Storage type, void* C, long long at, float value, float beta) {
  // beta = 0 must ignore C's old contents, NaN included.
  store_from_float(type, C, at, beta == 0.f ? value : value + beta * load_as_float(type, C, at));
}

__device__ __forceinline__ unsigned pair_at(const HalfTile& tile, int x, int p) {
  return *reinterpret_cast<const unsigned*>(&tile[x][p]);
}

template <Mma OP, int WIDTH>
__device__ __forceinline__ void hgemm_tile(
    int transA, int transB, int m, int n, int k, const HalfSplit& split, float alpha, const bits16* A,
    const bits16* B, float beta, Storage cType, void* C, HalfTile* As, HalfTile* Bs) {
  constexpr int MMA_K = OP == Mma::F16_K8 ? 8 : 16;
  int lane = threadIdx.x % 32;
  int warp = threadIdx.x / 32;
  int g = lane / 4;
  int t = lane % 4;
  int warpRow = (warp % 2) * 64;
  int warpCol = (warp / 2) * 32;
  int row0 = blockIdx.x * HG_TILE;
  int col0 = blockIdx.y * HG_TILE;
  HalfLoader<WIDTH> a(A, !transA, m, row0, k, split.pBegin);
  HalfLoader<WIDTH> b(B, transB, n, col0, k, split.pBegin);

  float acc[4][4][4] = {};  // [m16 tile][n8 tile][c0..c3]
  a.fetch(split.pBegin, split.pEnd);
  b.fetch(split.pBegin, split.pEnd);
  a.store(As[0]);
  b.store(Bs[0]);
  __syncthreads();
  int buf = 0;
  for (int p0 = split.pBegin; p0 < split.pEnd; p0 += HG_K) {
    bool more = p0 + HG_K < split.pEnd;
    if (more) {
      a.fetch(p0 + HG_K, split.pEnd);
      b.fetch(p0 + HG_K, split.pEnd);
    }
#pragma unroll
    for (int kk = 0; kk < HG_K; kk += MMA_K) {
      unsigned af[4][MMA_K / 4];
      unsigned bf[4][MMA_K / 8];
#pragma unroll
      for (int i = 0; i < 4; i++) {
        int row = warpRow + i * 16 + g;
        af[i][0] = pair_at(As[buf], row, kk + 2 * t);
        af[i][1] = pair_at(As[buf], row + 8, kk + 2 * t);
        if (MMA_K == 16) {
          af[i][MMA_K / 4 - 2] = pair_at(As[buf], row, kk + 8 + 2 * t);
          af[i][MMA_K / 4 - 1] = pair_at(As[buf], row + 8, kk + 8 + 2 * t);
        }
      }
#pragma unroll
      for (int j = 0; j < 4; j++) {
        int column = warpCol + j * 8 + g;
        bf[j][0] = pair_at(Bs[buf], column, kk + 2 * t);
        if (MMA_K == 16) {
          bf[j][MMA_K / 8 - 1] = pair_at(Bs[buf], column, kk + 8 + 2 * t);
        }
      }
#pragma unroll
      for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
          mma_tile<OP>(acc[i][j], af[i], bf[j]);
        }
      }
    }
    if (more) {
      a.store(As[buf ^ 1]);
      b.store(Bs[buf ^ 1]);
    }
    __syncthreads();
    buf ^= 1;
  }

#pragma unroll
  for (int i = 0; i < 4; i++) {
#pragma unroll
    for (int j = 0; j < 4; j++) {
#pragma unroll
      for (int r = 0; r < 4; r++) {
        int row = row0 + warpRow + i * 16 + g + (r >= 2 ? 8 : 0);
        int column = col0 + warpCol + j * 8 + 2 * t + r % 2;
        if (row < m && column < n) {
          store_scaled(cType, C, (long long) row * n + column, alpha * acc[i][j][r], beta);
        }
      }
    }
  }
}

// True when every 16-byte load of this input is aligned and never straddles the matrix's edge.
__device__ __forceinline__ bool half_vectorizable(const bits16* input, long long stride, int contiguousExtent) {
  return reinterpret_cast<unsigned long long>(input) % 16 == 0 && stride % 8 == 0 && contiguousExtent % 8 == 0;
}

// The kernel body behind each extern "C" entry: C's element size follows cType, the batch stride is in elements.
template <Mma OP>
__device__ __forceinline__ void hgemm(
    int transA, int transB, int m, int n, int k, int splits, float alpha, const bits16* A, long long strideA,
    const bits16* B, long long strideB, float beta, int cType, void* C, long long strideC) {
  __shared__ __align__(16) HalfTile As[2];
  __shared__ __align__(16) HalfTile Bs[2];
  bool vectors = half_vectorizable(A, strideA, transA ? m : k) && half_vectorizable(B, strideB, transB ? k : n);
  HalfSplit split(k, splits);
  A += split.b * strideA;
  B += split.b * strideB;
  Storage type = static_cast<Storage>(cType);
  C = static_cast<char*>(C) + blockIdx.z * strideC * (type == Storage::FLOAT32 ? 4 : 2);
  if (vectors) {
    hgemm_tile<OP, 8>(transA, transB, m, n, k, split, alpha, A, B, beta, type, C, As, Bs);
  } else {
    hgemm_tile<OP, 1>(transA, transB, m, n, k, split, alpha, A, B, beta, type, C, As, Bs);
  }
}

#define HGEMM_ENTRY(name, OP)                                                                                      \
  extern "C" __global__ void __launch_bounds__(HG_THREADS) name(                                                   \
      int transA, int transB, int m, int n, int k, int splits, float alpha, const bits16* A, long long strideA,     \
      const bits16* B, long long strideB, float beta, int cType, void* C, long long strideC) {                     \
    hgemm<OP>(transA, transB, m, n, k, splits, alpha, A, strideA, B, strideB, beta, cType, C, strideC);           \
  }
