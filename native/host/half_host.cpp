// Host harness of half.cuh's conversions (HalfConversionHostTest): reads "e TYPE FLOATBITS" (float → 16 bits) or
// "d TYPE BITS16" (16 bits → float) lines, TYPE 1 = bf16, 2 = fp16, and prints the result's raw bits, one per line.
#include "cuda_host.h"
#include "half.cuh"

int main() {
  char kind;
  int type;
  unsigned bits;
  while (scanf(" %c %d %u", &kind, &type, &bits) == 3) {
    bool bf16 = type == static_cast<int>(Storage::BFLOAT16);
    if (kind == 'e') {
      float f = __uint_as_float(bits);
      printf("%u\n", (unsigned) (bf16 ? float_to_bf16(f) : float_to_f16(f)));
    } else {
      printf("%u\n", __float_as_uint(bf16 ? bf16_to_float((bits16) bits) : f16_to_float((bits16) bits)));
    }
  }
  return 0;
}
