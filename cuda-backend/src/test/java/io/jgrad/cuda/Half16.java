package io.jgrad.cuda;

import java.util.Arrays;

/**
 * The test's own model of bf16 and fp16, written from the formats' definitions rather than half.cuh's bit tricks:
 * decoding by the format's formula, and rounding by searching the sorted finite values for the nearest one (ties
 * to the even pattern; the largest finite value's successor is infinity). It is the oracle the kernels' conversions
 * and 16-bit results are checked against.
 */
enum Half16 {
  BFLOAT16(8, 7),
  FLOAT16(5, 10);

  private final int exponentBits;
  private final int mantissaBits;
  /** Every non-negative finite value in pattern order, then infinity: sorted, since the patterns are monotone. */
  private final double[] values;

  Half16(int exponentBits, int mantissaBits) {
    this.exponentBits = exponentBits;
    this.mantissaBits = mantissaBits;
    int infinity = ((1 << exponentBits) - 1) << mantissaBits;
    values = new double[infinity + 1];
    for (int bits = 0; bits <= infinity; bits++) {
      values[bits] = decode(bits);
    }
  }

  /** half.cuh's Storage code. */
  int storageCode() {
    return this == BFLOAT16 ? 1 : 2;
  }

  double decode(int bits) {
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
    int mantissa = bits & ((1 << mantissaBits) - 1);
    int bias = (1 << (exponentBits - 1)) - 1;
    double magnitude;
    if (exponent == (1 << exponentBits) - 1) {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exponent == 0) {
      magnitude = Math.scalb((double) mantissa, 1 - bias - mantissaBits);
    } else {
      magnitude = Math.scalb((double) ((1 << mantissaBits) | mantissa), exponent - bias - mantissaBits);
    }
    return sign == 1 ? -magnitude : magnitude;
  }

  /** One unit in the last place of the finite value at {@code bits} (the gap to its successor in magnitude). */
  double ulp(int bits) {
    int magnitude = bits & 0x7fff;
    return decode(magnitude + 1) - decode(magnitude);
  }

  /** Round to nearest, ties to even; NaN gives PyTorch's pattern (bf16 0x7FC0, fp16 ±0x7E00, as ReducedFloats). */
  int encode(float f) {
    int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    if (Float.isNaN(f)) {
      return this == BFLOAT16 ? 0x7fc0 : sign | 0x7e00;
    }
    double x = Math.abs((double) f);
    int at = Arrays.binarySearch(values, x);
    int bits;
    if (at >= 0) {
      bits = at;
    } else {
      int above = -at - 1;  // values[above - 1] < x < values[above]; x is finite, so above ≤ infinity's index
      double low = values[above - 1];
      double high = values[above];
      double lowGap = x - low;
      double highGap = high == Double.POSITIVE_INFINITY
          ? Math.scalb(1.0, (1 << (exponentBits - 1))) - x  // infinity stands where the next binade would start
          : high - x;
      bits = lowGap < highGap || (lowGap == highGap && (above - 1) % 2 == 0) ? above - 1 : above;
    }
    return sign | bits;
  }
}
