// VectorGemm's float32 GEMM in C with AVX-512 intrinsics, one thread, C[n×n] = A·B row-major: the 8×32 micro-kernel
// (16 accumulators, two B loads and eight A broadcasts a step) under several loop orders, to tell the algorithm's share
// of a gap from the JIT's and to measure what a B panel's alignment costs. Prints the best GFLOP/s of REPS calls.
// Environment: ORDER 0 = VectorGemm's `packed` path (all of A and B packed first, then MC×NC blocks of C, B panels
// outer and A panels inner), 4 = the same with A panels outer, 1 = BLIS (B packed per KC×NC block, A per MC×KC block),
// 2 = BLIS with A panels outer (an A panel stays in L1 while B panels stream from L2), 3 = the same panels every call
// (the kernel on hot data; its product is wrong: timing only); KC, MC, NC block sizes; OFF = floats by which the
// packed B starts past a 64-byte line; PF = floats ahead to prefetch B (Java has no prefetch).
// Build and run: gcc -O2 -march=native -o /tmp/gemm_port512 docs/bench/gemm_port512.c && /tmp/gemm_port512 1024 10
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define MR 8
#define NR 32
static int KC = 2048, MC = 48, NC = 512, ORDER = 0, PF = 0;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int envOr(const char *name, int value) { return getenv(name) ? atoi(getenv(name)) : value; }
static int min(int a, int b) { return a < b ? a : b; }

// The MR×NR tile at c (row stride ldc) = or += the A panel (MR values a step) times the B panel (NR values a step).
static void kernel(const float *a, const float *b, int kc, float *c, int ldc, int first) {
  __m512 c0[MR], c1[MR];
  for (int r = 0; r < MR; r++) {
    c0[r] = _mm512_setzero_ps();
    c1[r] = _mm512_setzero_ps();
  }
  for (int p = 0; p < kc; p++) {
    __m512 b0 = _mm512_loadu_ps(b + p * NR);
    __m512 b1 = _mm512_loadu_ps(b + p * NR + 16);
    if (PF) _mm_prefetch((const char *) (b + p * NR + PF), _MM_HINT_T0);
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
      __m512 av = _mm512_set1_ps(a[p * MR + r]);
      c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
    }
  }
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    if (!first) {
      c0[r] = _mm512_add_ps(_mm512_loadu_ps(row), c0[r]);
      c1[r] = _mm512_add_ps(_mm512_loadu_ps(row + 16), c1[r]);
    }
    _mm512_storeu_ps(row, c0[r]);
    _mm512_storeu_ps(row + 16, c1[r]);
  }
}

// A[i0 : i0 + mc, p0 : p0 + kc] as MR-row panels, MR values a step.
static void packA(const float *a, int k, int i0, int mc, int p0, int kc, float *d) {
  for (int ir = 0; ir < mc; ir += MR)
    for (int r = 0; r < MR; r++)
      for (int p = 0; p < kc; p++) d[ir * kc + p * MR + r] = a[(size_t) (i0 + ir + r) * k + p0 + p];
}

// B[p0 : p0 + kc, j0 : j0 + nc] as NR-column panels, NR values a step.
static void packB(const float *b, int n, int p0, int kc, int j0, int nc, float *d) {
  for (int jr = 0; jr < nc; jr += NR)
    for (int p = 0; p < kc; p++) memcpy(d + jr * kc + p * NR, b + (size_t) (p0 + p) * n + j0 + jr, NR * 4);
}

// The panels of one MC×NC block of C over one K block, A panels outer or B panels outer.
static void block(const float *pa, const float *pb, float *c, int n, int mc, int nc, int kc, int first, int aOuter) {
  if (aOuter) {
    for (int ir = 0; ir < mc; ir += MR)
      for (int jr = 0; jr < nc; jr += NR) kernel(pa + ir * kc, pb + jr * kc, kc, c + (size_t) ir * n + jr, n, first);
  } else {
    for (int jr = 0; jr < nc; jr += NR)
      for (int ir = 0; ir < mc; ir += MR) kernel(pa + ir * kc, pb + jr * kc, kc, c + (size_t) ir * n + jr, n, first);
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1024;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  KC = envOr("KC", KC), MC = envOr("MC", MC), NC = envOr("NC", NC), ORDER = envOr("ORDER", 0), PF = envOr("PF", 0);
  size_t nn = (size_t) n * n;
  float *a = aligned_alloc(64, nn * 4), *b = aligned_alloc(64, nn * 4), *c = aligned_alloc(64, nn * 4);
  for (size_t i = 0; i < nn; i++) {
    a[i] = (i % 7) * 0.1f;
    b[i] = (i % 5) * 0.1f;
  }
  float *pa = aligned_alloc(64, nn * 4 + 4096);
  float *pb = (float *) aligned_alloc(64, nn * 4 + 4096) + envOr("OFF", 0);
  double best = 0;
  for (int rep = 0; rep < reps; rep++) {
    double t = now();
    if (ORDER == 0 || ORDER == 4) {
      for (int pc = 0; pc < n; pc += KC) {
        packA(a, n, 0, n, pc, min(KC, n - pc), pa + (size_t) pc * n);
        packB(b, n, pc, min(KC, n - pc), 0, n, pb + (size_t) pc * n);
      }
      for (int j = 0; j < n; j += NC)
        for (int i = 0; i < n; i += MC)
          for (int pc = 0; pc < n; pc += KC) {
            int kc = min(KC, n - pc);
            block(pa + (size_t) pc * n + i * kc, pb + (size_t) pc * n + j * kc, c + (size_t) i * n + j, n,
                  min(MC, n - i), min(NC, n - j), kc, pc == 0, ORDER == 4);
          }
    } else if (ORDER == 3) {
      for (int j = 0; j < n; j += NR)
        for (int i = 0; i < n; i += MR)
          for (int pc = 0; pc < n; pc += KC) kernel(pa, pb, min(KC, n - pc), c + (size_t) i * n + j, n, pc == 0);
    } else {
      for (int j = 0; j < n; j += NC)
        for (int pc = 0; pc < n; pc += KC) {
          int kc = min(KC, n - pc);
          packB(b, n, pc, kc, j, min(NC, n - j), pb);
          for (int i = 0; i < n; i += MC) {
            packA(a, n, i, min(MC, n - i), pc, kc, pa);
            block(pa, pb, c + (size_t) i * n + j, n, min(MC, n - i), min(NC, n - j), kc, pc == 0, ORDER == 2);
          }
        }
    }
    double gflops = 2.0 * n * n * n / (now() - t) / 1e9;
    if (gflops > best) best = gflops;
  }
  double expected = 0;
  for (int p = 0; p < n; p++) expected += a[5 * n + p] * b[(size_t) p * n + 17];
  printf("n=%d KC=%d MC=%d NC=%d ORDER=%d PF=%d: best %.1f GFLOP/s (C[5,17] %g, expected %g)\n", n, KC, MC, NC, ORDER,
         PF, best, c[5 * n + 17], expected);
  return 0;
}
