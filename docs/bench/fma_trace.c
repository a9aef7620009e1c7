// The machine's own FMA rate over time, no memory traffic: 12 independent chains of 8-wide float FMAs (AVX2), one
// JSON line per 200 ms window. If this halves for seconds, so will any kernel: the host took the core.
// Build and run: gcc -O2 -mavx2 -mfma -o /tmp/fma_trace docs/bench/fma_trace.c && /tmp/fma_trace 20
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 10;
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  // Twelve named accumulators, so the compiler keeps each in a register (an array stayed in memory at -O2).
  // Distinct starting values: equal ones let the compiler compute one chain for all twelve.
  __m256 c0 = _mm256_set1_ps(0), c1 = _mm256_set1_ps(1), c2 = _mm256_set1_ps(2), c3 = _mm256_set1_ps(3),
         c4 = _mm256_set1_ps(4), c5 = _mm256_set1_ps(5), c6 = _mm256_set1_ps(6), c7 = _mm256_set1_ps(7),
         c8 = _mm256_set1_ps(8), c9 = _mm256_set1_ps(9), c10 = _mm256_set1_ps(10), c11 = _mm256_set1_ps(11);
  double start = now();
  while (now() - start < seconds) {
    double t0 = now(), t;
    long iters = 0;
    do {
      for (int r = 0; r < 1000; r++) {
        c0 = _mm256_fmadd_ps(a, c0, b), c1 = _mm256_fmadd_ps(a, c1, b), c2 = _mm256_fmadd_ps(a, c2, b);
        c3 = _mm256_fmadd_ps(a, c3, b), c4 = _mm256_fmadd_ps(a, c4, b), c5 = _mm256_fmadd_ps(a, c5, b);
        c6 = _mm256_fmadd_ps(a, c6, b), c7 = _mm256_fmadd_ps(a, c7, b), c8 = _mm256_fmadd_ps(a, c8, b);
        c9 = _mm256_fmadd_ps(a, c9, b), c10 = _mm256_fmadd_ps(a, c10, b), c11 = _mm256_fmadd_ps(a, c11, b);
      }
      iters += 1000;
    } while ((t = now()) - t0 < 0.2);
    float sink[8];
    _mm256_storeu_ps(sink, _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
        _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)),
                      _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)))));
    printf("{\"bench\":\"fma\",\"event\":\"trace\",\"t_s\":%.2f,\"gflops\":%.1f,\"sink\":%g}\n", t - start,
           iters * 12 * 16 / (t - t0) / 1e9, sink[0] * 0);
    fflush(stdout);
  }
  return 0;
}
