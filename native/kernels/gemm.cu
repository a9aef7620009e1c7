// The fallback SGEMM, used when cuBLAS 12 does not load: for each batch b,
//   C_b = alpha·op(A_b)·op(B_b) + beta·C_b, row-major, as Backend.gemm defines it.
// Shapes: op(A) [M, K] (A stored [K, M] when transA), op(B) [K, N] (B stored [N, K] when transB), C [M, N];
// matrix b of X starts at X + b·strideX, and a stride of 0 broadcasts one matrix over the batch.
// Tiling: a block of 16×16 threads computes a 64×64 tile of C, each thread a 4×4 micro-tile whose rows and
// columns are 16 apart (so shared-memory reads and C writes are conflict-free and coalesced), stepping
// through K 16 at a time. Row tiles are blockIdx.x, column tiles blockIdx.y: gridDim.x reaches 2^31 − 1, so any
// int M launches, where gridDim.y (and z) stop at 65,535 (N up to 4,194,240; Grid.gemmTiles checks).
//
// Split K: a product with too few tiles to fill the device, and a long K, is cut along K into `splits` chunks
// (blockIdx.z = b·splits + s covers chunk s of matrix b). The launcher then passes a workspace as C, with alpha 1,
// beta 0 and strideC = M·N, so each chunk writes its partial product to its own slice, and sgemm_sum_splits adds
// the slices in order: the result does not depend on which block finished first.

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS 256  // 16 × 16
#define MICRO 4      // TILE_M / 16
#define SPLIT_ALIGN 16  // chunks of K are multiples of this (TILE_K, and LARGE_K's multiple)

// Chunk s of matrix b along K, and where its operands and output start.
struct Split {
  int b;
  int pBegin;
  int pEnd;
  __device__ Split(int k, int splits) {
    int z = blockIdx.z;
    b = z / splits;
    // Unsigned: for k near 2^31 the chunk's start or end can pass INT_MAX, never UINT_MAX (a chunk is at most k/2 + 16
    // when there are two or more, and k when there is one).
    unsigned chunk = splits == 1 ? k : (k / splits + (k % splits != 0) + SPLIT_ALIGN - 1) / SPLIT_ALIGN * SPLIT_ALIGN;
    pBegin = (int) min((unsigned) k, (unsigned) (z % splits) * chunk);
    pEnd = (int) min((unsigned) k, pBegin + chunk);
  }
};

// ---- kernels ----

extern "C" __global__ void __launch_bounds__(THREADS) sgemm_tiled(
    int transA, int transB, int m, int n, int k, int splits, float alpha, const float* A, long long strideA,
    const float* B, long long strideB, float beta, float* C, long long strideC) {
  __shared__ float As[TILE_K][TILE_M];  // As[p][i] = op(A)[row0 + i][p0 + p]
  __shared__ float Bs[TILE_K][TILE_N];  // Bs[p][j] = op(B)[p0 + p][col0 + j]
  Split split(k, splits);
  A += split.b * strideA;
  B += split.b * strideB;
  C += blockIdx.z * strideC;
  int row0 = blockIdx.x * TILE_M;
  int col0 = blockIdx.y * TILE_N;
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int tid = ty * 16 + tx;
  float acc[MICRO][MICRO] = {};
  for (int p0 = split.pBegin; p0 < split.pEnd; p0 += TILE_K) {
    // Each thread loads 4 elements of each tile; consecutive threads walk the stored matrix's contiguous axis.
    for (int l = 0; l < (TILE_M * TILE_K) / THREADS; l++) {
      int e = tid + l * THREADS;
      int i = transA ? e % TILE_M : e / TILE_K;
      int p = transA ? e / TILE_M : e % TILE_K;
      int gi = row0 + i;
      int gp = p0 + p;
      As[p][i] = gi < m && gp < split.pEnd ? A[transA ? (long long) gp * m + gi : (long long) gi * k + gp] : 0.f;
      int j = transB ? e / TILE_K : e % TILE_N;
      int q = transB ? e % TILE_K : e / TILE_N;
      int gj = col0 + j;
      int gq = p0 + q;
      Bs[q][j] = gj < n && gq < split.pEnd ? B[transB ? (long long) gj * k + gq : (long long) gq * n + gj] : 0.f;
    }
    __syncthreads();
    for (int p = 0; p < TILE_K; p++) {
      float a[MICRO];
      float b[MICRO];
      for (int r = 0; r < MICRO; r++) {
        a[r] = As[p][ty + 16 * r];
        b[r] = Bs[p][tx + 16 * r];
      }
      for (int r = 0; r < MICRO; r++) {
        for (int c = 0; c < MICRO; c++) {
          acc[r][c] += a[r] * b[c];
        }
      }
    }
    __syncthreads();
  }
  for (int r = 0; r < MICRO; r++) {
    int i = row0 + ty + 16 * r;
    for (int c = 0; c < MICRO; c++) {
      int j = col0 + tx + 16 * c;
      if (i < m && j < n) {
        float* out = C + (long long) i * n + j;
        // beta = 0 must ignore C's old contents, NaN included.
        *out = beta == 0.f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * *out;
      }
    }
  }
}


// sgemm_large: the same contract for large products. A block of 256 threads computes a 128×128 tile of C, each
// thread an 8×8 micro-tile (rows ty·4 + {0..3} and 64 + ty·4 + {0..3}, columns likewise with tx), so every
// shared-memory read is one 16-byte load that a warp either broadcasts (A) or reads from 256 contiguous bytes (B).
// K advances 8 at a time through two shared-memory buffers: the next tile's global loads are in flight while the
// current one is multiplied, and one barrier per step suffices. Two blocks fit on a multiprocessor (a cap of 128
// registers: no spill for sm_90, a few hundred bytes for sm_75), so one block's barrier wait is covered by the
// other's arithmetic; on an H100 that took 4096³ from 26 to 37 TFLOP/s, and 16-byte loads to 42.

#define LARGE_TILE 128
#ifndef LARGE_K
#define LARGE_K 8
#endif
#ifndef LARGE_MIN_BLOCKS
#define LARGE_MIN_BLOCKS 2
#endif
#define LARGE_PAD 4  // floats: the transposing stores of a K-contiguous input then hit 32 distinct banks

typedef float LargeTile[LARGE_K][LARGE_TILE + LARGE_PAD];  // tile[p][x] = op(input)[p0 + p] along x

// One input's share of the block's loads. Either input is a [K, 128] tile in shared memory, indexed (p, x) with x
// along m for A and along n for B; in global memory its K axis is the contiguous one (A as stored, B transposed)
// or the strided one. Consecutive threads walk the contiguous axis, WIDTH elements at a time (4: one 16-byte load,
// when the launch checked alignment).
template <int WIDTH>
struct TileLoader {
  static constexpr int LOADS = LARGE_TILE * LARGE_K / THREADS / WIDTH;
  const float* next;     // this thread's first element of the tile to fetch
  long long loadStride;  // elements between this thread's loads
  long long kStride;     // elements between consecutive tiles
  int x, p;              // load 0's element of the tile; load l is (p + l·pStep, x + l·xStep)
  int xStep, pStep;
  int xLimit;            // valid x are below this
  bool kContiguous;
  float value[LOADS][WIDTH];

  __device__ TileLoader(const float* input, bool kContiguous, int size, int origin, int k, int pBegin)
      : kContiguous(kContiguous) {
    int tid = threadIdx.x;
    if (kContiguous) {  // stored [size, k]: a thread reads WIDTH consecutive p of one x
      constexpr int perRow = LARGE_K / WIDTH;
      x = tid / perRow;
      p = tid % perRow * WIDTH;
      xStep = THREADS / perRow;
      pStep = 0;
      next = input + (long long) (origin + x) * k + pBegin + p;
      loadStride = (long long) xStep * k;
      kStride = LARGE_K;
    } else {  // stored [k, size]: a thread reads WIDTH consecutive x at one p
      constexpr int perRow = LARGE_TILE / WIDTH;
      x = tid % perRow * WIDTH;
      p = tid / perRow;
      xStep = 0;
      pStep = THREADS / perRow;
      next = input + (long long) (pBegin + p) * size + origin + x;
      loadStride = (long long) pStep * size;
      kStride = (long long) LARGE_K * size;
    }
    xLimit = size - origin;
  }

  // Global → registers for the tile starting at p0; elements outside the matrix or past the chunk's end read as 0.
  // With WIDTH 4 the launch guaranteed that the contiguous extent is a multiple of 4, and chunks start at multiples
  // of SPLIT_ALIGN, so a vector is wholly inside or wholly outside.
  __device__ __forceinline__ void fetch(int p0, int pEnd) {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      bool inside = x + l * xStep < xLimit && p0 + p + l * pStep < pEnd;
      const float* at = next + l * loadStride;
      if (WIDTH == 4) {
        float4 v = inside ? *reinterpret_cast<const float4*>(at) : make_float4(0.f, 0.f, 0.f, 0.f);
        value[l][0] = v.x;
        value[l][WIDTH > 1 ? 1 : 0] = v.y;
        value[l][WIDTH > 2 ? 2 : 0] = v.z;
        value[l][WIDTH > 3 ? 3 : 0] = v.w;
      } else {
        value[l][0] = inside ? *at : 0.f;
      }
    }
    next += kStride;
  }

  // Registers → shared memory.
  __device__ __forceinline__ void store(LargeTile& tile) const {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      int row = p + l * pStep;
      int column = x + l * xStep;
      if (WIDTH == 4 && !kContiguous) {  // x is a multiple of 4 and rows are 16-byte aligned: one store
        *reinterpret_cast<float4*>(&tile[row][column]) =
            make_float4(value[l][0], value[l][WIDTH > 1 ? 1 : 0], value[l][WIDTH > 2 ? 2 : 0], value[l][WIDTH - 1]);
      } else {
#pragma unroll
        for (int w = 0; w < WIDTH; w++) {
          tile[row + (kContiguous ? w : 0)][column + (kContiguous ? 0 : w)] = value[l][w];
        }
      }
    }
  }
};

template <int WIDTH>
__device__ __forceinline__ void sgemm_large_tile(
    int transA, int transB, int m, int n, int k, const Split& split, float alpha, const float* A, const float* B,
    float beta, float* C, LargeTile* As, LargeTile* Bs) {
  int tx = threadIdx.x % 16;
  int ty = threadIdx.x / 16;
  int row0 = blockIdx.x * LARGE_TILE;
  int col0 = blockIdx.y * LARGE_TILE;
  TileLoader<WIDTH> a(A, !transA, m, row0, k, split.pBegin);
  TileLoader<WIDTH> b(B, transB, n, col0, k, split.pBegin);

  float acc[8][8] = {};
  a.fetch(split.pBegin, split.pEnd);
  b.fetch(split.pBegin, split.pEnd);
  a.store(As[0]);
  b.store(Bs[0]);
  __syncthreads();
  int buf = 0;
  for (int p0 = split.pBegin; p0 < split.pEnd; p0 += LARGE_K) {
    bool more = p0 + LARGE_K < split.pEnd;
    if (more) {
      a.fetch(p0 + LARGE_K, split.pEnd);
      b.fetch(p0 + LARGE_K, split.pEnd);
    }
#pragma unroll
    for (int p = 0; p < LARGE_K; p++) {
      float4 a0 = *reinterpret_cast<const float4*>(&As[buf][p][ty * 4]);
      float4 a1 = *reinterpret_cast<const float4*>(&As[buf][p][64 + ty * 4]);
      float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][p][tx * 4]);
      float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][p][64 + tx * 4]);
      float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int c = 0; c < 8; c++) {
          acc[r][c] += av[r] * bv[c];
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
  for (int r = 0; r < 8; r++) {
    int i = row0 + (r < 4 ? ty * 4 + r : 64 + ty * 4 + r - 4);
#pragma unroll
    for (int c = 0; c < 8; c++) {
      int j = col0 + (c < 4 ? tx * 4 + c : 64 + tx * 4 + c - 4);
      if (i < m && j < n) {
        float* out = C + (long long) i * n + j;
        *out = beta == 0.f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * *out;
      }
    }
  }
}

// True when every 16-byte load of this input is aligned and never straddles the matrix's edge.
__device__ __forceinline__ bool vectorizable(const float* input, long long stride, int contiguousExtent) {
  return reinterpret_cast<unsigned long long>(input) % 16 == 0 && stride % 4 == 0 && contiguousExtent % 4 == 0;
}

extern "C" __global__ void __launch_bounds__(THREADS, LARGE_MIN_BLOCKS) sgemm_large(
    int transA, int transB, int m, int n, int k, int splits, float alpha, const float* A, long long strideA,
    const float* B, long long strideB, float beta, float* C, long long strideC) {
  // In the kernel rather than the template, so that both instances share one allocation.
  __shared__ __align__(16) LargeTile As[2];  // As[.][p][i] = op(A)[row0 + i][p0 + p]
  __shared__ __align__(16) LargeTile Bs[2];  // Bs[.][p][j] = op(B)[p0 + p][col0 + j]
  bool vectors = vectorizable(A, strideA, transA ? m : k) && vectorizable(B, strideB, transB ? k : n);
  Split split(k, splits);
  A += split.b * strideA;
  B += split.b * strideB;
  C += blockIdx.z * strideC;
  if (vectors) {
    sgemm_large_tile<4>(transA, transB, m, n, k, split, alpha, A, B, beta, C, As, Bs);
  } else {
    sgemm_large_tile<1>(transA, transB, m, n, k, split, alpha, A, B, beta, C, As, Bs);
  }
}

// C_b = alpha·Σ_s partial[b·splits + s] + beta·C_b over the `count` = M·N elements of each of `batch` matrices,
// the chunks added in order s = 0, 1, … so that the sum is the same on every run.
extern "C" __global__ void sgemm_sum_splits(
    long long count, int batch, int splits, float alpha, const float* partial, float beta, float* C,
    long long strideC) {
  for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < count * batch;
       e += (long long) gridDim.x * blockDim.x) {
    long long b = e / count;
    long long i = e % count;
    const float* chunks = partial + b * splits * count + i;
    float sum = 0.f;
    for (int s = 0; s < splits; s++) {
      sum += chunks[s * count];
    }
    float* out = C + b * strideC + i;
    *out = beta == 0.f ? alpha * sum : alpha * sum + beta * *out;
  }
}
