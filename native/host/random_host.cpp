// Host harness of random.cu (RandomHostTest): each stdin line runs philox_random (TYPE 0), _bf16 (1) or _f16 (2) under
// cuda_host.h on N elements and prints each element's raw bits, one per line. All numbers are decimal; A and B are a
// double's raw bits, SEED, OFFSET and SHIFT Java longs; SHIFT goes where offset_shift points when AT is 1 (null: 0).
//   TYPE DIST A B SEED OFFSET AT SHIFT N
#include "cuda_host.h"

#include <type_traits>

// The intrinsics random.cu uses that cuda_host.h lacks: one IEEE operation each, rounded to nearest. Out of line, so
// that g++ cannot contract a multiply and an add into an FMA on a host that has one.
__attribute__((noinline)) double __dadd_rn(double a, double b) { return a + b; }
__attribute__((noinline)) double __dsub_rn(double a, double b) { return a - b; }
__attribute__((noinline)) double __dmul_rn(double a, double b) { return a * b; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned) (((unsigned long long) a * b) >> 32); }

#include "random.cu"

static long long next() {
  long long v;
  if (scanf("%lld", &v) != 1) exit(2);
  return v;
}

static double nextDouble() {
  long long bits = next();
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

// Two blocks of 32 threads: the grid-stride loop wraps for N > 64.
template <typename T>
static std::vector<T> run(int dist, double a, double b, long long seed, long long offset, const unsigned long long* at,
                          long long n) {
  std::vector<T> out(n + 1);
  unsigned k0 = (unsigned) seed, k1 = (unsigned) ((unsigned long long) seed >> 32);
  host_launch(dim3{2, 1, 1}, dim3{32, 1, 1}, [&] {
    if constexpr (std::is_same<T, float>::value) philox_random(dist, a, b, k0, k1, offset, out.data(), n, at);
    else if constexpr (std::is_same<T, Bf16>::value) philox_random_bf16(dist, a, b, k0, k1, offset, out.data(), n, at);
    else philox_random_f16(dist, a, b, k0, k1, offset, out.data(), n, at);
  });
  out.pop_back();
  return out;
}

int main() {
  long long type;
  while (scanf("%lld", &type) == 1) {
    int dist = (int) next();
    double a = nextDouble(), b = nextDouble();
    long long seed = next(), offset = next();
    bool given = next() != 0;
    unsigned long long shift = (unsigned long long) next();
    long long n = next();
    const unsigned long long* at = given ? &shift : nullptr;
    if (type == 0) {
      for (float x : run<float>(dist, a, b, seed, offset, at, n)) printf("%u\n", __float_as_uint(x));
    } else if (type == 1) {
      for (Bf16 x : run<Bf16>(dist, a, b, seed, offset, at, n)) printf("%u\n", (unsigned) x.bits);
    } else {
      for (F16 x : run<F16>(dist, a, b, seed, offset, at, n)) printf("%u\n", (unsigned) x.bits);
    }
  }
  return 0;
}
