package io.jgrad.cuda;

/**
 * How a kernel stores a floating-point buffer: half.cuh's {@code Storage}, whose codes are the ordinals here
 * (KernelSourceTest checks the order). The 16-bit types are loaded into float and computed in float.
 */
enum Storage {
  FLOAT32(4),
  BFLOAT16(2),
  FLOAT16(2);

  private final int bytes;

  Storage(int bytes) {
    this.bytes = bytes;
  }

  int bytes() {
    return bytes;
  }

  boolean isHalf() {
    return this != FLOAT32;
  }
}
