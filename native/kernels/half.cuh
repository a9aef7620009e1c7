// 16-bit storage types: bfloat16 and IEEE binary16 (fp16) as raw bit patterns, and their exact conversions to and
// from float. Kernels compute in float and only load and store 16 bits, as PyTorch's autocast does.
//
// The conversions are integer code, not the hardware's cvt: bf16's cvt.rn needs sm_80, these run on sm_75, and the
// same source compiles for the host, where HalfConversionHostTest checks every fp16 and bf16 pattern and the
// float rounding cases bit for bit against Java. float → 16 bits rounds to nearest, ties to even; NaN stays NaN (a
// quiet one, sign and top payload bits kept), ±infinity stays ±infinity, and a finite float beyond the format's
// range becomes ±infinity, as PyTorch's .to(torch.bfloat16 / torch.float16) does.
#pragma once

typedef unsigned short bits16;

// The storage type a kernel reads or writes; the codes are what launchers pass (StorageType in Java).
enum class Storage { FLOAT32 = 0, BFLOAT16 = 1, FLOAT16 = 2 };

__device__ __forceinline__ unsigned float_bits(float f) { return __float_as_uint(f); }

__device__ __forceinline__ float bits_float(unsigned u) { return __uint_as_float(u); }

__device__ __forceinline__ float bf16_to_float(bits16 h) { return bits_float((unsigned) h << 16); }

__device__ __forceinline__ bits16 float_to_bf16(float f) {
  unsigned u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    return 0x7fc0;  // NaN: c10::BFloat16's quiet NaN (truncating the payload could make it infinity)
  }
  // Adding 0x7fff plus the kept part's lowest bit rounds to nearest, ties to even; a carry into the exponent is
  // the correct result, up to infinity.
  u += 0x7fffu + ((u >> 16) & 1u);
  return (bits16) (u >> 16);
}

__device__ __forceinline__ float f16_to_float(bits16 h) {
  unsigned sign = (unsigned) (h & 0x8000u) << 16;
  unsigned exponent = (h >> 10) & 0x1fu;
  unsigned mantissa = h & 0x3ffu;
  if (exponent == 0x1fu) {
    return bits_float(sign | 0x7f800000u | (mantissa << 13));  // infinity, NaN (payload kept)
  }
  if (exponent == 0) {
    if (mantissa == 0) {
      return bits_float(sign);
    }
    // Subnormal m·2^-24: shift the leading 1 into the implicit position.
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      exponent--;
    }
    return bits_float(sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13));
  }
  return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

__device__ __forceinline__ bits16 float_to_f16(float f) {
  unsigned u = float_bits(f);
  unsigned sign = (u >> 16) & 0x8000u;
  unsigned magnitude = u & 0x7fffffffu;
  if (magnitude > 0x7f800000u) {
    return (bits16) (sign | 0x7e00u);  // NaN: the quiet NaN with the sign, as c10::Half
  }
  if (magnitude >= 0x477ff000u) {
    return (bits16) (sign | 0x7c00u);  // 65520 and beyond round to infinity (65504 is the largest finite)
  }
  unsigned exponent = magnitude >> 23;
  unsigned result;
  unsigned rest;
  unsigned halfway;
  if (exponent >= 113) {  // a normal fp16: rebias the exponent, keep 10 of the 23 mantissa bits
    result = ((exponent - 112) << 10) | ((magnitude >> 13) & 0x3ffu);
    rest = magnitude & 0x1fffu;
    halfway = 0x1000u;
  } else if (exponent >= 102) {  // a subnormal fp16: the significand (with its implicit 1) in units of 2^-24
    unsigned significand = (magnitude & 0x7fffffu) | 0x800000u;
    unsigned shift = 126 - exponent;  // 14 … 24
    result = significand >> shift;
    rest = significand & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  } else {
    return (bits16) sign;  // below 2^-25: rounds to zero (2^-25 itself is the tie, and zero is even)
  }
  if (rest > halfway || (rest == halfway && (result & 1u))) {
    result++;  // a carry out of the mantissa steps the exponent, as it should
  }
  return (bits16) (sign | result);
}

// Element i of a buffer of the given storage type, as float.
__device__ __forceinline__ float load_as_float(Storage type, const void* data, long long i) {
  switch (type) {
    case Storage::BFLOAT16: return bf16_to_float(static_cast<const bits16*>(data)[i]);
    case Storage::FLOAT16: return f16_to_float(static_cast<const bits16*>(data)[i]);
    default: return static_cast<const float*>(data)[i];
  }
}

__device__ __forceinline__ void store_from_float(Storage type, void* data, long long i, float value) {
  switch (type) {
    case Storage::BFLOAT16: static_cast<bits16*>(data)[i] = float_to_bf16(value); break;
    case Storage::FLOAT16: static_cast<bits16*>(data)[i] = float_to_f16(value); break;
    default: static_cast<float*>(data)[i] = value; break;
  }
}

// The three storage types as distinct C++ types, so that one kernel template serves each: a kernel body reads
// with to_float and writes with from_float<T>; its extern "C" entries are named base, base_bf16 and base_f16.
struct Bf16 {
  bits16 bits;
};
struct F16 {
  bits16 bits;
};

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(Bf16 x) { return bf16_to_float(x.bits); }
__device__ __forceinline__ float to_float(F16 x) { return f16_to_float(x.bits); }

template <typename T>
__device__ __forceinline__ T from_float(float f);
template <>
__device__ __forceinline__ float from_float<float>(float f) { return f; }
template <>
__device__ __forceinline__ Bf16 from_float<Bf16>(float f) { return Bf16{float_to_bf16(f)}; }
template <>
__device__ __forceinline__ F16 from_float<F16>(float f) { return F16{float_to_f16(f)}; }

// Emits ENTRY(suffix, T) for each storage type: float keeps the kernel's plain name.
#define FOR_EACH_STORAGE(ENTRY) ENTRY(, float) ENTRY(_bf16, Bf16) ENTRY(_f16, F16)
