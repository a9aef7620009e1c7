// Philox4x32-10 random numbers, bit-identical to io.jgrad.internal.Philox, with key (k0, k1) = seed: element i's
// uniform draw is word j mod 4 of the block of counter (lo, hi of j / 4, 0, 0), j = offset + i (four draws a block,
// as curand_uniform4); its normal draw takes the first two words of counter (lo, hi of j, 0, 0). The value is computed in double with explicit round-to-nearest operations (no
// FMA contraction, as in Java), then rounded to float (and, for a 16-bit out, from float to 16 bits, as
// ReducedFloats.toBits rounds a double). Shapes: out [n].
#include "half.cuh"
#include "ops.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define TWO_POW_MINUS_32 2.3283064365386963e-10  // 2^-32, exact
#define TWO_PI 6.283185307179586                    // 2.0 * Math.PI, exact in double as Java computes it

// The four words (x0, x1, x2, x3) of Philox4x32-10's block.
__device__ __forceinline__ uint4 philox(unsigned k0, unsigned k1, unsigned long long counter) {
  unsigned c0 = (unsigned) counter;
  unsigned c1 = (unsigned) (counter >> 32);
  unsigned c2 = 0;
  unsigned c3 = 0;
  for (int round = 0; round < 10; round++) {
    unsigned hi0 = __umulhi(PHILOX_M0, c0);
    unsigned lo0 = PHILOX_M0 * c0;
    unsigned hi1 = __umulhi(PHILOX_M1, c2);
    unsigned lo1 = PHILOX_M1 * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  return make_uint4(c0, c1, c2, c3);
}

// uniform (dist 0): a + (b − a)·x·2⁻³², x the element's word;  normal (dist 1): a + b·sqrt(−2·ln((x0 + 1)·2⁻³²))·
// cos(2π·x1·2⁻³²).
template <typename T>
__device__ __forceinline__ void philox_random_body(
    int dist, double a, double b, unsigned k0, unsigned k1, unsigned long long offset, T* out, long long n) {
  FOR_EACH_INDEX(i, n) {
    unsigned long long j = offset + (unsigned long long) i;
    double value;
    if (dist == 0) {
      uint4 x = philox(k0, k1, j >> 2);
      unsigned word = (j & 3) == 0 ? x.x : (j & 3) == 1 ? x.y : (j & 3) == 2 ? x.z : x.w;
      value = __dadd_rn(a, __dmul_rn(__dsub_rn(b, a), word * TWO_POW_MINUS_32));
    } else {
      uint4 x = philox(k0, k1, j);
      double u1 = __dmul_rn((double) x.x + 1.0, TWO_POW_MINUS_32);
      double u2 = x.y * TWO_POW_MINUS_32;
      double radius = sqrt(__dmul_rn(-2.0, log(u1)));
      value = __dadd_rn(a, __dmul_rn(__dmul_rn(b, radius), cos(__dmul_rn(TWO_PI, u2))));
    }
    out[i] = from_float<T>((float) value);
  }
}

// ---- kernels ----

// offset_shift (may be null) is added to offset: a replayed CUDA graph keeps the arguments of its capture, so the
// counters of each step's new draw are written to device memory instead. Unsigned, so the sum wraps as Java's long.
#define RANDOM_ENTRIES(suffix, T)                                                                                \
  extern "C" __global__ void philox_random##suffix(                                                             \
      int dist, double a, double b, unsigned k0, unsigned k1, unsigned long long offset, T* out, long long n,    \
      const unsigned long long* offset_shift) {                                                                  \
    if (offset_shift != nullptr) offset += *offset_shift;                                                        \
    philox_random_body<T>(dist, a, b, k0, k1, offset, out, n);                                                   \
  }
FOR_EACH_STORAGE(RANDOM_ENTRIES)
