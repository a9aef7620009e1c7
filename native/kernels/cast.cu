// dst[i] = src[i] converted between storage types (half.cuh: float32, bf16, fp16; any pair): to 16 bits rounds to
// nearest even with NaN and infinities kept, as io.jgrad.ReducedFloats; 16 bits to float is exact; bf16 ↔ fp16
// goes through float, exactly as a float32 intermediate tensor would. cast_int32 converts int32 labels as C's (and
// Java's) int-to-float conversion, nearest even, and to 16 bits through that float. Shapes: src, dst [n].
#include "half.cuh"
#include "ops.cuh"

// ---- kernels ----

extern "C" __global__ void cast(int srcType, const void* src, int dstType, void* dst, long long n) {
  Storage from = static_cast<Storage>(srcType);
  Storage to = static_cast<Storage>(dstType);
  FOR_EACH_INDEX(i, n) { store_from_float(to, dst, i, load_as_float(from, src, i)); }
}

extern "C" __global__ void cast_int32(const int* src, int dstType, void* dst, long long n) {
  Storage to = static_cast<Storage>(dstType);
  FOR_EACH_INDEX(i, n) { store_from_float(to, dst, i, static_cast<float>(src[i])); }
}
