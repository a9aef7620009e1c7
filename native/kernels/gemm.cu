// The fallback SGEMM, used when cuBLAS 12 does not load: for each batch b (blockIdx.z),
//   C_b = alpha·op(A_b)·op(B_b) + beta·C_b, row-major, as Backend.gemm defines it.
// Shapes: op(A) [M, K] (A stored [K, M] when transA), op(B) [K, N] (B stored [N, K] when transB), C [M, N];
// matrix b of X starts at X + b·strideX, and a stride of 0 broadcasts one matrix over the batch.
// Tiling: a block of 16×16 threads computes a 64×64 tile of C, each thread a 4×4 micro-tile whose rows and
// columns are 16 apart (so shared-memory reads and C writes are conflict-free and coalesced), stepping
// through K 16 at a time. Row tiles are blockIdx.x, column tiles blockIdx.y: gridDim.x reaches 2^31 − 1, so any
// int M launches, where gridDim.y (and z) stop at 65,535 (N up to 4,194,240; Grid.gemmTiles checks).

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS 256  // 16 × 16
#define MICRO 4      // TILE_M / 16

// ---- kernels ----

extern "C" __global__ void __launch_bounds__(THREADS) sgemm_tiled(
    int transA, int transB, int m, int n, int k, float alpha, const float* A, long long strideA, const float* B,
    long long strideB, float beta, float* C, long long strideC) {
  __shared__ float As[TILE_K][TILE_M];  // As[p][i] = op(A)[row0 + i][p0 + p]
  __shared__ float Bs[TILE_K][TILE_N];  // Bs[p][j] = op(B)[p0 + p][col0 + j]
  A += blockIdx.z * strideA;
  B += blockIdx.z * strideB;
  C += blockIdx.z * strideC;
  int row0 = blockIdx.x * TILE_M;
  int col0 = blockIdx.y * TILE_N;
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int tid = ty * 16 + tx;
  float acc[MICRO][MICRO] = {};
  for (int p0 = 0; p0 < k; p0 += TILE_K) {
    // Each thread loads 4 elements of each tile; consecutive threads walk the stored matrix's contiguous axis.
    for (int l = 0; l < (TILE_M * TILE_K) / THREADS; l++) {
      int e = tid + l * THREADS;
      int i = transA ? e % TILE_M : e / TILE_K;
      int p = transA ? e / TILE_M : e % TILE_K;
      int gi = row0 + i;
      int gp = p0 + p;
      As[p][i] = gi < m && gp < k ? A[transA ? (long long) gp * m + gi : (long long) gi * k + gp] : 0.f;
      int j = transB ? e / TILE_K : e % TILE_N;
      int q = transB ? e % TILE_K : e / TILE_N;
      int gj = col0 + j;
      int gq = p0 + q;
      Bs[q][j] = gj < n && gq < k ? B[transB ? (long long) gj * k + gq : (long long) gq * n + gj] : 0.f;
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
