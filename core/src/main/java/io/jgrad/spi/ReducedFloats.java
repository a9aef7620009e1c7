package io.jgrad.spi;

import io.jgrad.DType;

/**
 * Conversions between float32 and the 16-bit floating formats, bit for bit as PyTorch's CPU casts: to 16 bits
 * rounds to nearest, ties to even, keeps ±Inf and NaN (overflow past the largest finite value gives ±Inf), and
 * produces float16 subnormals where the value needs them; from 16 bits is exact. A double reaches 16 bits through
 * float32, as PyTorch's {@code double → Half/BFloat16} does.
 *
 * <p>The float16 routines are ports of FP16 (Marat Dukhan, MIT), the code c10::Half uses: they compute with float
 * arithmetic so that the hardware's rounding does the ties-to-even work.
 */
public final class ReducedFloats {
  private ReducedFloats() {}

  /** float32 → bfloat16 bits, rounded to nearest even; NaN becomes the quiet NaN 0x7FC0 (c10::BFloat16). */
  public static short toBfloat16(float f) {
    if (Float.isNaN(f)) {
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(f);
    int roundingBias = ((bits >>> 16) & 1) + 0x7FFF;
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** bfloat16 bits → float32, exact. */
  public static float fromBfloat16(short h) {
    return Float.intBitsToFloat((h & 0xFFFF) << 16);
  }

  /** float32 → IEEE binary16 bits, rounded to nearest even (subnormals included); NaN becomes ±0x7E00. */
  public static short toFloat16(float f) {
    // Scale so that the float's own rounding happens at binary16's last mantissa bit (fp16_ieee_from_fp32_value).
    float base = (Math.abs(f) * 0x1.0p+112f) * 0x1.0p-110f;
    int w = Float.floatToRawIntBits(f);
    int shl1W = w + w;
    int sign = w & 0x80000000;
    int bias = shl1W & 0xFF000000;
    if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
      bias = 0x71000000;
    }
    base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
    int bits = Float.floatToRawIntBits(base);
    int expBits = (bits >>> 13) & 0x00007C00;
    int mantissaBits = bits & 0x00000FFF;
    int nonSign = expBits + mantissaBits;
    return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xFF000000) > 0 ? 0x7E00 : nonSign));
  }

  /** IEEE binary16 bits → float32, exact (fp16_ieee_to_fp32_value). */
  public static float fromFloat16(short h) {
    int w = (h & 0xFFFF) << 16;
    int sign = w & 0x80000000;
    int twoW = w + w;
    float normalized = Float.intBitsToFloat((twoW >>> 4) + (0xE0 << 23)) * 0x1.0p-112f;
    float denormalized = Float.intBitsToFloat((twoW >>> 17) | (126 << 23)) - 0.5f;
    int magnitude = Integer.compareUnsigned(twoW, 1 << 27) < 0
        ? Float.floatToRawIntBits(denormalized)
        : Float.floatToRawIntBits(normalized);
    return Float.intBitsToFloat(sign | magnitude);
  }

  /** v rounded to {@code dtype} (16-bit ones through float32 as PyTorch), as the bits a buffer of it stores. */
  public static short toBits(DType dtype, double v) {
    return switch (dtype) {
      case BFLOAT16 -> toBfloat16((float) v);
      case FLOAT16 -> toFloat16((float) v);
      default -> throw new IllegalArgumentException("toBits: " + dtype.label() + " is not a 16-bit float type");
    };
  }

  /** The value of 16-bit pattern {@code bits} of {@code dtype}. */
  public static float fromBits(DType dtype, short bits) {
    return switch (dtype) {
      case BFLOAT16 -> fromBfloat16(bits);
      case FLOAT16 -> fromFloat16(bits);
      default -> throw new IllegalArgumentException("fromBits: " + dtype.label() + " is not a 16-bit float type");
    };
  }

  /** v rounded to {@code dtype}'s precision and widened back: what storing v in a tensor of that dtype keeps. */
  public static double round(DType dtype, double v) {
    return switch (dtype) {
      case FLOAT64 -> v;
      case FLOAT32 -> (float) v;
      case BFLOAT16, FLOAT16 -> fromBits(dtype, toBits(dtype, v));
      case INT32 -> (int) v;
    };
  }
}
