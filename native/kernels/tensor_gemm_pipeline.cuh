// The sm_80+ tensor-core GEMM (bf16 and fp16 in, float32 accumulation): cp.async multi-stage pipeline, ldmatrix
// fragment loads, 64×64 warp tiles. Contract as tensor_gemm.cuh's (every transpose pair, batch strides with 0 for a
// broadcast operand, split K into a float32 workspace, C in float32/bf16/fp16 with alpha and beta, any size);
// tensor_gemm_sm80.cu instantiates it as one extern "C" entry per input type and tile shape.
//
// Shared memory: each operand keeps the layout it has in global memory, so that every global load is a 16-byte
// cp.async straight into shared memory (no registers, no transposing stores). A K-contiguous operand (A as
// stored, or B when transB) is a [X][BK] tile, an M/N-contiguous one a [BK][X] tile (BK = 32 or 64 elements of K
// per stage); both rows are padded by 8 elements (16 bytes), which puts the 8 row addresses of every ldmatrix
// phase — rows 80, 144, 272 or 528 bytes apart — on 8 distinct 16-byte bank groups. ldmatrix then gives the MMA
// fragments directly: plain for a K-contiguous tile, .trans for an M/N-contiguous one (PTX ISA, "Warp-level
// matrix load instruction: ldmatrix"; its 8×8 matrices' fragment is the m16n8k16 A/B fragment quartered, see the
// lane address formulas at fragment_offset).
//
// Pipeline (STAGES buffers): tiles 0 … STAGES−2 are requested before the loop; at step t the block waits until
// tile t has landed (cp.async.wait_group STAGES−2, then a barrier, which also tells every warp that tile t−1's
// buffer is free), requests tile t+STAGES−1 into that buffer, and multiplies tile t while the copies fly. Inputs
// that are misaligned or whose contiguous extent is not a multiple of 8 take plain 2-byte loads into the same
// layout (correct, slow: odd sizes only).
#pragma once

#include "tensor_gemm.cuh"

#define HP_PAD 8   // 16-bit elements of padding per shared-memory row

// ---- PTX wrappers (the host emulator, cuda_host.h, implements each with the same semantics) ----

// 16 bytes global → shared, asynchronously; inside = false writes 16 zero bytes and reads nothing.
__device__ __forceinline__ void cp_async16(bits16* shared, const bits16* global, bool inside) {
#ifdef CUDA_HOST_EMULATOR
  host_cp_async16(shared, global, inside);
#else
  unsigned address = (unsigned) __cvta_generic_to_shared(shared);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global), "r"(inside ? 16 : 0));
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#ifdef CUDA_HOST_EMULATOR
  host_cp_async_commit();
#else
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

// Waits until at most PENDING of this thread's committed groups are still in flight.
template <int PENDING>
__device__ __forceinline__ void cp_async_wait() {
#ifdef CUDA_HOST_EMULATOR
  host_cp_async_wait(PENDING);
#else
  asm volatile("cp.async.wait_group %0;\n" ::"n"(PENDING));
#endif
}

// Four 8×8 matrices of 16-bit elements; lane 8j + r gives the address of row r of matrix j, and register j of lane
// l receives matrix j's (row l / 4, columns 2(l % 4), +1) — with TRANS, its (rows 2(l % 4), +1, column l / 4).
template <bool TRANS>
__device__ __forceinline__ void ldmatrix_x4(unsigned* r, const bits16* row) {
#ifdef CUDA_HOST_EMULATOR
  host_ldmatrix_x4(TRANS, r, row);
#else
  unsigned address = (unsigned) __cvta_generic_to_shared(row);
  if (TRANS) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address));
  } else {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address));
  }
#endif
}

// ---- one operand's stage loads ----

// An operand's [X, BK] slice of one stage: X = rows of C's tile along M (A) or N (B), p along K. KCONTIG: stored
// [size][k] (K contiguous), tile [X][BK + pad]; else stored [k][size], tile [BK][X + pad]. X ≥ BK, so X·(BK + pad)
// elements hold either layout.
template <int X, int BK, int THREADS, bool KCONTIG>
struct StageLoader {
  static constexpr int ROW = KCONTIG ? BK + HP_PAD : X + HP_PAD;  // shared row length, elements
  static constexpr int TILE = X * (BK + HP_PAD);                 // elements per stage, either layout
  static constexpr int VECTORS = X * BK / 8 / THREADS;           // 16-byte loads per thread per stage
  static constexpr int PER_ROW = KCONTIG ? BK / 8 : X / 8;       // 16-byte vectors per stored row
  static constexpr int ROWS_PER_PASS = THREADS / PER_ROW;
  static_assert(VECTORS >= 1 && THREADS % PER_ROW == 0 && X >= BK, "tile too small for the block");

  const bits16* input;  // matrix b of the operand
  int size;             // extent along M or N
  int origin;           // first row (A) or column (B) of this block's tile
  int k;
  int x, p;             // vector 0's element: x along M/N from origin, p along K from the stage's start
  long long global0;    // vector 0's offset in input, stage start p0 = 0
  int shared0;          // vector 0's offset in the stage tile

  __device__ StageLoader(const bits16* input, int size, int origin, int k)
      : input(input), size(size), origin(origin), k(k) {
    int tid = threadIdx.x;
    if (KCONTIG) {
      x = tid / PER_ROW;
      p = tid % PER_ROW * 8;
      global0 = (long long) (origin + x) * k + p;
      shared0 = x * ROW + p;
    } else {
      x = tid % PER_ROW * 8;
      p = tid / PER_ROW;
      global0 = (long long) p * size + origin + x;
      shared0 = p * ROW + x;
    }
  }

  // Requests the stage whose K starts at p0 (elements at or past pEnd, or outside the matrix, become 0).
  __device__ __forceinline__ void load_vectors(bits16* tile, int p0, int pEnd) const {
    const bits16* from = input + global0 + (KCONTIG ? (long long) p0 : (long long) p0 * size);
#pragma unroll
    for (int v = 0; v < VECTORS; v++) {
      bool inside;
      long long step;
      int sharedStep;
      if (KCONTIG) {
        inside = origin + x + v * ROWS_PER_PASS < size && p0 + p < pEnd;
        step = (long long) v * ROWS_PER_PASS * k;
        sharedStep = v * ROWS_PER_PASS * ROW;
      } else {
        inside = origin + x < size && p0 + p + v * ROWS_PER_PASS < pEnd;
        step = (long long) v * ROWS_PER_PASS * size;
        sharedStep = v * ROWS_PER_PASS * ROW;
      }
      cp_async16(tile + shared0 + sharedStep, inside ? from + step : input, inside);
    }
  }

  // The same stage, element by element, with ordinary loads and stores (inputs cp.async cannot take).
  __device__ __forceinline__ void load_elements(bits16* tile, int p0, int pEnd) const {
#pragma unroll 1
    for (int e = threadIdx.x; e < X * BK; e += THREADS) {
      int ex = KCONTIG ? e / BK : e % X;
      int ep = KCONTIG ? e % BK : e / X;
      bool inside = origin + ex < size && p0 + ep < pEnd;
      long long at = KCONTIG ? (long long) (origin + ex) * k + p0 + ep : (long long) (p0 + ep) * size + origin + ex;
      tile[KCONTIG ? ex * ROW + ep : ep * ROW + ex] = inside ? input[at] : (bits16) 0;
    }
  }
};

// ---- the block's tile ----

// Lane l's ldmatrix row address in an operand's stage tile, for the first 16×16 (A) or 16-column pair of 8 (B)
// piece of its warp tile at kk = 0. With j = l / 8 and r = l % 8 (matrix j, row r):
//   A K-contiguous  [m][k]: m = r + 8(j % 2), k = 8(j / 2)  → registers a0 … a3
//   A M-contiguous  [k][m]: k = r + 8(j / 2), m = 8(j % 2)  (.trans)
//   B K-contiguous  [n][k]: n = r + 8(j / 2), k = 8(j % 2)  → b0, b1 of n-tile 0, then of n-tile 1
//   B N-contiguous  [k][n]: k = r + 8(j % 2), n = 8(j / 2)  (.trans)
template <bool KCONTIG, bool IS_A, int ROW>
__device__ __forceinline__ int fragment_offset(int lane, int warpOrigin) {
  int j = lane / 8;
  int r = lane % 8;
  int x = IS_A ? (KCONTIG ? r + 8 * (j % 2) : 8 * (j % 2)) : (KCONTIG ? r + 8 * (j / 2) : 8 * (j / 2));
  int p = IS_A ? (KCONTIG ? 8 * (j / 2) : r + 8 * (j / 2)) : (KCONTIG ? 8 * (j % 2) : r + 8 * (j % 2));
  x += warpOrigin;
  return KCONTIG ? x * ROW + p : p * ROW + x;
}

// C's element pair (row, column), (row, column + 1) of type T, as one store (n even, C 2-element aligned).
// alpha is already applied; beta = 0 ignores C's old contents (NaN included).
template <typename T>
__device__ __forceinline__ void store_pair(T* C, long long at, float v0, float v1, float beta) {
  struct alignas(2 * sizeof(T)) Pair {
    T e[2];
  };
  Pair* to = reinterpret_cast<Pair*>(C + at);
  if (beta != 0.f) {
    Pair old = *to;
    v0 += beta * to_float(old.e[0]);
    v1 += beta * to_float(old.e[1]);
  }
  Pair out;
  out.e[0] = from_float<T>(v0);
  out.e[1] = from_float<T>(v1);
  *to = out;
}

// One MMA tile's four accumulators of a lane, alpha·(c0, c1) at (row, column … + 1) and alpha·(c2, c3) eight rows
// down, stored into C of the given type with beta, clipped to [m, n]. Not inlined: 64 inlined copies per kernel
// with three types made the PTX megabytes long; a call per four elements is little next to the K loop.
__device__ __noinline__ void store_quad(
    Storage type, bool pairs, void* C, int m, int n, int row, int column, float c0, float c1, float c2, float c3,
    float alpha, float beta) {
  for (int half = 0; half < 2; half++) {
    int r = row + 8 * half;
    if (r >= m) {
      break;
    }
    float v0 = alpha * (half == 0 ? c0 : c2);
    float v1 = alpha * (half == 0 ? c1 : c3);
    long long at = (long long) r * n + column;
    if (pairs && column < n && type == Storage::FLOAT32) {
      store_pair(static_cast<float*>(C), at, v0, v1, beta);
    } else if (pairs && column < n && type == Storage::BFLOAT16) {
      store_pair(static_cast<Bf16*>(C), at, v0, v1, beta);
    } else {
      if (column < n) {
        store_scaled(type, C, at, v0, beta);
      }
      if (column + 1 < n) {
        store_scaled(type, C, at + 1, v1, beta);
      }
    }
  }
}

// PREFETCH: the next K step's fragments are loaded while this one's MMAs run, across stage boundaries too (the
// barrier moves to the last K step of a stage, before the next stage's first fragments are read).
template <Mma OP, int BM, int BN, int BK, int WM, int WN, int STAGES, bool PREFETCH>
struct PipelinedGemm {
  static constexpr int THREADS = (BM / WM) * (BN / WN) * 32;
  static constexpr int MI = WM / 16;  // m16 tiles per warp
  static constexpr int NJ = WN / 8;   // n8 tiles per warp
  static constexpr int STAGE = (BM + BN) * (BK + HP_PAD);  // elements per stage, A then B
  static constexpr int SHARED_BYTES = STAGES * STAGE * 2;
  static_assert(NJ % 2 == 0 && STAGES >= 2, "B fragments come two n8 tiles per ldmatrix.x4");

  // The K loop for one layout pair: acc += op(A)·op(B) over [pBegin, pEnd).
  template <bool A_KCONTIG, bool B_KCONTIG>
  static __device__ __forceinline__ void multiply(
      float (&acc)[MI][NJ][4], bits16* shared, bool vectors, const bits16* A, const bits16* B, int m, int n, int k,
      int pBegin, int pEnd) {
    typedef StageLoader<BM, BK, THREADS, A_KCONTIG> LoadA;
    typedef StageLoader<BN, BK, THREADS, B_KCONTIG> LoadB;
    int warp = threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    int warpRow = warp % (BM / WM) * WM;
    int warpCol = warp / (BM / WM) * WN;
    LoadA loadA(A, m, blockIdx.x * BM, k);
    LoadB loadB(B, n, blockIdx.y * BN, k);
    int aOffset = fragment_offset<A_KCONTIG, true, LoadA::ROW>(lane, warpRow);
    int bOffset = LoadA::TILE + fragment_offset<B_KCONTIG, false, LoadB::ROW>(lane, warpCol);
    // Steps between fragments: next m16 (A) or n16 (B) piece, next k16.
    constexpr int A_I = A_KCONTIG ? 16 * LoadA::ROW : 16;
    constexpr int A_K = A_KCONTIG ? 16 : 16 * LoadA::ROW;
    constexpr int B_J = B_KCONTIG ? 16 * LoadB::ROW : 16;
    constexpr int B_K = B_KCONTIG ? 16 : 16 * LoadB::ROW;

    int tiles = (pEnd - pBegin + BK - 1) / BK;
    auto request = [&](int tile) {
      bits16* stage = shared + (tile % STAGES) * STAGE;
      int p0 = pBegin + tile * BK;
      if (vectors) {
        loadA.load_vectors(stage, p0, pEnd);
        loadB.load_vectors(stage + LoadA::TILE, p0, pEnd);
      } else {
        loadA.load_elements(stage, p0, pEnd);
        loadB.load_elements(stage + LoadA::TILE, p0, pEnd);
      }
    };
    // One K step's fragments of the warp tile from a stage: A's m16 pieces, B's n8 pieces two per ldmatrix.
    auto fragments = [&](unsigned (&af)[MI][4], unsigned (&bf)[NJ][2], const bits16* stage, int kk) {
#pragma unroll
      for (int i = 0; i < MI; i++) {
        ldmatrix_x4<!A_KCONTIG>(af[i], stage + aOffset + i * A_I + kk * A_K);
      }
#pragma unroll
      for (int j = 0; j < NJ / 2; j++) {
        unsigned r[4];
        ldmatrix_x4<!B_KCONTIG>(r, stage + bOffset + j * B_J + kk * B_K);
        bf[2 * j][0] = r[0];
        bf[2 * j][1] = r[1];
        bf[2 * j + 1][0] = r[2];
        bf[2 * j + 1][1] = r[3];
      }
    };
    auto multiply_step = [&](const unsigned (&af)[MI][4], const unsigned (&bf)[NJ][2]) {
#pragma unroll
      for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int j = 0; j < NJ; j++) {
          mma_tile<OP>(acc[i][j], af[i], bf[j]);
        }
      }
    };
    constexpr int STEPS = BK / 16;
#pragma unroll
    for (int s = 0; s < STAGES - 1; s++) {
      if (s < tiles) {
        request(s);
      }
      cp_async_commit();
    }
    if (PREFETCH) {
      // Step kk multiplies fragments af[kk % 2] while af[(kk + 1) % 2] loads the next step's, which for the last
      // step is the next stage's first: the barrier sits there, after this stage's last fragment reads.
      unsigned af[2][MI][4];
      unsigned bf[2][NJ][2];
      if (tiles > 0) {
        cp_async_wait<STAGES - 2>();
        __syncthreads();
        fragments(af[0], bf[0], shared, 0);
      }
      for (int t = 0; t < tiles; t++) {
        const bits16* stage = shared + (t % STAGES) * STAGE;
#pragma unroll
        for (int kk = 0; kk < STEPS; kk++) {
          if (kk == STEPS - 1) {
            cp_async_wait<STAGES - 2>();  // tile t + 1 has landed (its group is at most STAGES − 2 from the newest)
            __syncthreads();              // … for every thread, and no warp reads stage t any more
            if (t + 1 < tiles) {
              fragments(af[(kk + 1) % 2], bf[(kk + 1) % 2], shared + ((t + 1) % STAGES) * STAGE, 0);
            }
          } else {
            fragments(af[(kk + 1) % 2], bf[(kk + 1) % 2], stage, kk + 1);
          }
          if (kk == 0) {
            // Stage (t − 1) % STAGES: every warp's last read of it came before the previous step's barrier.
            if (t + STAGES - 1 < tiles) {
              request(t + STAGES - 1);
            }
            cp_async_commit();
          }
          multiply_step(af[kk % 2], bf[kk % 2]);
        }
      }
    } else {
      for (int t = 0; t < tiles; t++) {
        cp_async_wait<STAGES - 2>();
        __syncthreads();
        if (t + STAGES - 1 < tiles) {
          request(t + STAGES - 1);
        }
        cp_async_commit();
        const bits16* stage = shared + (t % STAGES) * STAGE;
#pragma unroll
        for (int kk = 0; kk < STEPS; kk++) {
          unsigned af[MI][4];
          unsigned bf[NJ][2];
          fragments(af, bf, stage, kk);
          multiply_step(af, bf);
        }
      }
    }
    cp_async_wait<0>();  // nothing real is in flight (requests stop at the last tile); leave the groups drained
  }

  // The warp's tile of C. pairs: n even and C aligned, so float32 and bf16 element pairs are single stores.
  static __device__ __forceinline__ void store(
      const float (&acc)[MI][NJ][4], Storage type, void* C, long long strideC, int m, int n, float alpha,
      float beta) {
    int width = type == Storage::FLOAT32 ? 4 : 2;
    C = static_cast<char*>(C) + blockIdx.z * strideC * width;
    bool pairs = n % 2 == 0 && reinterpret_cast<unsigned long long>(C) % (2 * width) == 0;
    int warp = threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    int row0 = blockIdx.x * BM + warp % (BM / WM) * WM + lane / 4;
    int col0 = blockIdx.y * BN + warp / (BM / WM) * WN + 2 * (lane % 4);
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
      for (int j = 0; j < NJ; j++) {
        store_quad(type, pairs, C, m, n, row0 + i * 16, col0 + j * 8, acc[i][j][0], acc[i][j][1], acc[i][j][2],
                   acc[i][j][3], alpha, beta);
      }
    }
  }

  static __device__ __forceinline__ void run(
      int transA, int transB, int m, int n, int k, int splits, float alpha, const bits16* A, long long strideA,
      const bits16* B, long long strideB, float beta, int cType, void* C, long long strideC) {
#ifdef CUDA_HOST_EMULATOR
    bits16* shared = reinterpret_cast<bits16*>(host_dynamic_shared);
#else
    extern __shared__ __align__(16) unsigned char hp_shared[];
    bits16* shared = reinterpret_cast<bits16*>(hp_shared);
#endif
    bool vectors = half_vectorizable(A, strideA, transA ? m : k) && half_vectorizable(B, strideB, transB ? k : n);
    HalfSplit split(k, splits);
    A += split.b * strideA;
    B += split.b * strideB;
    float acc[MI][NJ][4];
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
      for (int j = 0; j < NJ; j++) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
          acc[i][j][r] = 0.f;
        }
      }
    }
    if (!transA && !transB) {
      multiply<true, false>(acc, shared, vectors, A, B, m, n, k, split.pBegin, split.pEnd);
    } else if (!transA) {
      multiply<true, true>(acc, shared, vectors, A, B, m, n, k, split.pBegin, split.pEnd);
    } else if (!transB) {
      multiply<false, false>(acc, shared, vectors, A, B, m, n, k, split.pBegin, split.pEnd);
    } else {
      multiply<false, true>(acc, shared, vectors, A, B, m, n, k, split.pBegin, split.pEnd);
    }
    store(acc, static_cast<Storage>(cType), C, strideC, m, n, alpha, beta);
  }
};

// An extern "C" entry: name, MMA, block tile BM×BN, K per stage BK, warp tile WM×WN, pipeline depth, fragment
// prefetch. Launch with
// PipelinedGemm<…>::THREADS threads, SHARED_BYTES of dynamic shared memory and a grid of
// (⌈m / BM⌉, ⌈n / BN⌉, batch·splits).
#define HGEMM_PIPELINED_ENTRY(name, OP, BM, BN, BK, WM, WN, STAGES, PREFETCH)                                      \
  extern "C" __global__ void __launch_bounds__(PipelinedGemm<OP, BM, BN, BK, WM, WN, STAGES, PREFETCH>::THREADS)   \
      name(                                                                                                         \
      int transA, int transB, int m, int n, int k, int splits, float alpha, const bits16* A, long long strideA,     \
      const bits16* B, long long strideB, float beta, int cType, void* C, long long strideC) {                     \
    PipelinedGemm<OP, BM, BN, BK, WM, WN, STAGES, PREFETCH>::run(                                                  \
        transA, transB, m, n, k, splits, alpha, A, strideA, B, strideB, beta, cType, C, strideC);                  \
  }
