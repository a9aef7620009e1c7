package io.jgrad.cuda;

import io.jgrad.DType;

/**
 * How a kernel stores a floating-point buffer: half.cuh's {@code Storage}, whose codes are the ordinals here
 * (KernelSourceTest checks the order). The 16-bit types are loaded into float and computed in float.
 */
enum Storage {
  FLOAT32(4, ""),
  BFLOAT16(2, "_bf16"),
  FLOAT16(2, "_f16");

  private final int bytes;
  private final String suffix;

  Storage(int bytes, String suffix) {
    this.bytes = bytes;
    this.suffix = suffix;
  }

  /** The storage of a floating dtype CUDA holds; kernel names the launcher in the error otherwise. */
  static Storage of(String kernel, String name, DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return FLOAT32;
      case BFLOAT16:
        return BFLOAT16;
      case FLOAT16:
        return FLOAT16;
      default:
        throw new IllegalArgumentException(
            kernel + ": " + name + " must be float32, bfloat16 or float16, got " + dtype.label());
    }
  }

  /** The kernel-name suffix of this type's variant (half.cuh's FOR_EACH_STORAGE). */
  String suffix() {
    return suffix;
  }

  int bytes() {
    return bytes;
  }

  boolean isHalf() {
    return this != FLOAT32;
  }
}
