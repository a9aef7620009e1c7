// VectorGemm's one-thread path (block()) in C with AVX2 intrinsics, on the MLP's first forward product
// C[128×512] = X[128×784]·W[512×784]ᵀ: the same blocks (KC 256 → 4 × 196, MC 96 → 2 × 64, NC 512), the same packing and
// the same 4×16 micro-kernel, so it tells the JIT's share of a gap from the algorithm's. Prints GFLOP/s per 200 ms.
// Variants (environment): PV=1 packs Wᵀ step by step (16 rows at once), PV=2 by 8×8 AVX transposes; SKIPB=1 packs it
// only once (wrong results after the first call: timing only); MR6=1 a 6×16 kernel (m = 132); KC, MC, NC block sizes.
// Build and run: gcc -O2 -mavx2 -mfma -o /tmp/gemm_port docs/bench/gemm_port.c && /tmp/gemm_port 5
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define MR 4
#define NR 16
static int KC = 256, MC = 96, NC = 512, MR6 = 0, SKIPB = 0, packedOnce = 0;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int blockSize(int extent, int max, int unit) {
  int blocks = (extent + max - 1) / max; if (blocks < 1) blocks = 1;
  int step = (extent + blocks - 1) / blocks; return (step + unit - 1) / unit * unit;
}
static void packA(const float *a, int k, int ic, int mc, int pc, int kc, float *dst, int mr) {
  for (int ir = 0; ir < mc; ir += mr) {
    int base = ir * kc;
    for (int r = 0; r < mr; r++) {
      const float *src = a + (size_t)(ic + ir + r) * k + pc;
      for (int p = 0; p < kc; p++) dst[base + p * mr + r] = src[p];
    }
  }
}
static int PV = 0;
static inline void tr8(const float *s, int ld, float *d, int dld) {
  // 8 rows of 8 floats (row stride ld) -> 8 rows (one per k step) of 8 floats at d (step stride dld)
  __m256 r0 = _mm256_loadu_ps(s);
  __m256 r1 = _mm256_loadu_ps(s + ld);
  __m256 r2 = _mm256_loadu_ps(s + 2 * ld);
  __m256 r3 = _mm256_loadu_ps(s + 3 * ld);
  __m256 r4 = _mm256_loadu_ps(s + 4 * ld);
  __m256 r5 = _mm256_loadu_ps(s + 5 * ld);
  __m256 r6 = _mm256_loadu_ps(s + 6 * ld);
  __m256 r7 = _mm256_loadu_ps(s + 7 * ld);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1);
  __m256 t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3);
  __m256 t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5);
  __m256 t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7);
  __m256 t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44);
  __m256 u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44);
  __m256 u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44);
  __m256 u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44);
  __m256 u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_store_ps(d + 0 * dld, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_store_ps(d + 1 * dld, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_store_ps(d + 2 * dld, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_store_ps(d + 3 * dld, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_store_ps(d + 4 * dld, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_store_ps(d + 5 * dld, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_store_ps(d + 6 * dld, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_store_ps(d + 7 * dld, _mm256_permute2f128_ps(u3, u7, 0x31));
}
static void packBt(const float *b, int k, int pc, int kc, int jc, int nc, float *dst) {
  if (PV == 1) { // p outer, j inner: 16 row streams at once, contiguous stores
    for (int jr = 0; jr < nc; jr += NR) {
      const float *src = b + (size_t)(jc + jr) * k + pc; float *d = dst + jr * kc;
      for (int p = 0; p < kc; p++) for (int j = 0; j < NR; j++) d[p * NR + j] = src[(size_t)j * k + p];
    }
    return;
  }
  if (PV == 2) { // 8x8 AVX transposes
    for (int jr = 0; jr < nc; jr += NR) {
      const float *src = b + (size_t)(jc + jr) * k + pc; float *d = dst + jr * kc;
      int p = 0;
      for (;
      p + 8 <= kc;
      p += 8) { tr8(src + p, k, d + p * NR, NR);
      tr8(src + 8 * (size_t)k + p, k, d + p * NR + 8, NR);
      }
      for (; p < kc; p++) for (int j = 0; j < NR; j++) d[p * NR + j] = src[(size_t)j * k + p];
    }
    return;
  }
  for (int jr = 0; jr < nc; jr += NR) {
    int base = jr * kc;
    for (int j = 0; j < NR; j++) {
      const float *src = b + (size_t)(jc + jr + j) * k + pc;
      for (int p = 0; p < kc; p++) dst[base + p * NR + j] = src[p];
    }
  }
}
static void micro4(const float *ap, const float *bp, int kc, float *c, int ldc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++, ap += 4, bp += 16) {
    __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8), a;
    a = _mm256_broadcast_ss(ap); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
  }
#define ADD(r, x0, x1) _mm256_storeu_ps(c + r * ldc, _mm256_add_ps(x0, _mm256_loadu_ps(c + r * ldc))); \
  _mm256_storeu_ps(c + r * ldc + 8, _mm256_add_ps(x1, _mm256_loadu_ps(c + r * ldc + 8)));
  ADD(0, c00, c01) ADD(1, c10, c11) ADD(2, c20, c21) ADD(3, c30, c31)
}
static void micro6(const float *ap, const float *bp, int kc, float *c, int ldc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
         c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int p = 0; p < kc; p++, ap += 6, bp += 16) {
    __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8), a;
    a = _mm256_broadcast_ss(ap); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
  }
  ADD(0, c00, c01) ADD(1, c10, c11) ADD(2, c20, c21) ADD(3, c30, c31) ADD(4, c40, c41) ADD(5, c50, c51)
}
static void gemm(int m, int n, int k, const float *a, const float *b, float *c, float *wa, float *wb) {
  int mr = MR6 ? 6 : 4;
  memset(c, 0, sizeof(float) * m * n);
  int kcStep = blockSize(k, KC, 1), mcStep = blockSize(m, MC, mr);
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += kcStep) {
      int kc = k - pc < kcStep ? k - pc : kcStep;
      if (!SKIPB || !packedOnce) packBt(b, k, pc, kc, jc, nc, wb);
      for (int ic = 0; ic < m; ic += mcStep) {
        int mc = m - ic < mcStep ? m - ic : mcStep;
        packA(a, k, ic, mc, pc, kc, wa, mr);
        for (int jr = 0; jr < nc; jr += NR)
          for (int ir = 0; ir + mr <= mc; ir += mr)
            (MR6 ? micro6 : micro4)(wa + ir * kc, wb + jr * kc, kc, c + (size_t)(ic + ir) * n + jc + jr, n);
      }
    }
  }
}
int main(int argc, char **argv) {
  int m = 128, n = 512, k = 784;
  if (getenv("KC")) KC = atoi(getenv("KC"));
  if (getenv("MC")) MC = atoi(getenv("MC"));
  if (getenv("NC")) NC = atoi(getenv("NC"));
  if (getenv("PV")) PV = atoi(getenv("PV"));
  MR6 = getenv("MR6") != NULL;
  if (MR6) m = 132; // a multiple of 6 and near 128 (the rate is per flop)
  double seconds = argc > 1 ? atof(argv[1]) : 5;
  float *a = aligned_alloc(64, sizeof(float) * m * k), *b = aligned_alloc(64, sizeof(float) * n * k);
  float *c = aligned_alloc(64, sizeof(float) * m * n);
  float *wa = aligned_alloc(64, sizeof(float) * 256 * 1024), *wb = aligned_alloc(64, sizeof(float) * 1024 * 1024);
  for (int i = 0; i < m * k; i++) a[i] = (i % 13) * 0.01f;
  for (int i = 0; i < n * k; i++) b[i] = (i % 7) * 0.01f;
  // check one element
  gemm(m, n, k, a, b, c, wa, wb);
  packedOnce = 1; SKIPB = getenv("SKIPB") != NULL;
  double ref = 0; for (int p = 0; p < k; p++) ref += (double)a[5 * k + p] * b[17 * k + p];
  if (abs((int)(ref * 1000) - (int)(c[5 * n + 17] * 1000)) > 2) {
    fprintf(stderr, "gemm_port: C[5,17] is %f, expected %f\n", c[5 * n + 17], ref);
    return 1;
  }
  double start = now();
  while (now() - start < seconds) {
    double t0 = now(), t; int calls = 0;
    do { gemm(m, n, k, a, b, c, wa, wb); calls++; } while ((t = now()) - t0 < 0.2);
    printf(" %.0f", 2.0 * m * n * k * calls / (t - t0) / 1e9);
  }
  printf("\n");
  return 0;
}
