// The machine's own FMA rate over time, no memory traffic: 12 independent chains of float FMAs, 8 lanes (AVX2) or,
// built with -mavx512f, 16 lanes (AVX-512), one JSON line per 200 ms window. If this halves for seconds, so will any
// kernel: the host took the core.
// Build and run: gcc -O2 -mavx2 -mfma -o /tmp/fma_trace docs/bench/fma_trace.c && /tmp/fma_trace 20
//          or:   gcc -O2 -mavx512f -mfma -o /tmp/fma_trace docs/bench/fma_trace.c && /tmp/fma_trace 20
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
#define LANES 16
#define vec __m512
#define set1 _mm512_set1_ps
#define fmadd _mm512_fmadd_ps
#define add _mm512_add_ps
#define storeu _mm512_storeu_ps
#else
#define LANES 8
#define vec __m256
#define set1 _mm256_set1_ps
#define fmadd _mm256_fmadd_ps
#define add _mm256_add_ps
#define storeu _mm256_storeu_ps
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 10;
  vec a = set1(0.999999f), b = set1(1e-7f);
  // Twelve named accumulators, so the compiler keeps each in a register (an array stayed in memory at -O2).
  // Distinct starting values: equal ones let the compiler compute one chain for all twelve.
  vec c0 = set1(0), c1 = set1(1), c2 = set1(2), c3 = set1(3),
         c4 = set1(4), c5 = set1(5), c6 = set1(6), c7 = set1(7),
         c8 = set1(8), c9 = set1(9), c10 = set1(10), c11 = set1(11);
  double start = now();
  while (now() - start < seconds) {
    double t0 = now(), t;
    long iters = 0;
    do {
      for (int r = 0; r < 1000; r++) {
        c0 = fmadd(a, c0, b), c1 = fmadd(a, c1, b), c2 = fmadd(a, c2, b);
        c3 = fmadd(a, c3, b), c4 = fmadd(a, c4, b), c5 = fmadd(a, c5, b);
        c6 = fmadd(a, c6, b), c7 = fmadd(a, c7, b), c8 = fmadd(a, c8, b);
        c9 = fmadd(a, c9, b), c10 = fmadd(a, c10, b), c11 = fmadd(a, c11, b);
      }
      iters += 1000;
    } while ((t = now()) - t0 < 0.2);
    float sink[LANES];
    storeu(sink, add(add(add(c0, c1), add(c2, c3)),
        add(add(add(c4, c5), add(c6, c7)),
                      add(add(c8, c9), add(c10, c11)))));
    printf("{\"bench\":\"fma\",\"event\":\"trace\",\"t_s\":%.2f,\"gflops\":%.1f,\"sink\":%g}\n", t - start,
           iters * 12 * LANES * 2 / (t - t0) / 1e9, sink[0] * 0);
    fflush(stdout);
  }
  return 0;
}
