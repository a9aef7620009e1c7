package io.jgrad.cuda;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;

/** Argument checks shared by the launchers; each error is an IllegalArgumentException naming the kernel. */
final class Check {
  private Check() {}

  /** {@code buffer} is a float32 buffer of exactly {@code length} elements. */
  static void floats(String kernel, String name, Buffer buffer, long length) {
    typed(kernel, name, buffer, DType.FLOAT32, length);
  }

  static void typed(String kernel, String name, Buffer buffer, DType dtype, long length) {
    if (buffer.dtype() != dtype) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " must be " + dtype.label() + ", got " + buffer.dtype().label());
    }
    if (buffer.length() != length) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " has " + buffer.length() + " elements, expected " + length);
    }
  }

  static void nonNegative(String kernel, String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(kernel + ": " + name + " must be non-negative, got " + value);
    }
  }

  static void that(boolean condition, String kernel, String message) {
    if (!condition) {
      throw new IllegalArgumentException(kernel + ": " + message);
    }
  }
}
