package io.jgrad;

import io.jgrad.spi.ReducedFloats;

/**
 * Element types. FLOAT32 is the training type everywhere; FLOAT64 exists on the CPU backends for gradient checks;
 * BFLOAT16 and FLOAT16 are storage types for mixed precision (16-bit patterns, float32 math, see {@link
 * ReducedFloats}); INT32 holds class labels.
 */
public enum DType {
  FLOAT32(4),
  FLOAT64(8),
  /** bfloat16: float32's sign and 8-bit exponent with 7 mantissa bits (the high half of a float32). */
  BFLOAT16(2),
  /** IEEE 754 binary16: 5-bit exponent, 10 mantissa bits, largest finite 65504. */
  FLOAT16(2),
  INT32(4);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  public boolean isFloating() {
    return this != INT32;
  }

  /** BFLOAT16 or FLOAT16: stored in 16 bits, computed in float32 (PyTorch's "reduced floating point"). */
  public boolean isReduced() {
    return this == BFLOAT16 || this == FLOAT16;
  }

  /** Lower-case name as used in error messages and file formats ("float32"). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
