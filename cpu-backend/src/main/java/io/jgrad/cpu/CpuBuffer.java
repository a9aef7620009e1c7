package io.jgrad.cpu;

import io.jgrad.Buffer;
import io.jgrad.DType;

/**
 * A buffer backed by one Java array: float[] for FLOAT32, double[] for FLOAT64, int[] for INT32. The pool that made it
 * is its owner, so a buffer from another backend (or a freed one) is recognised and refused.
 */
final class CpuBuffer extends Buffer {
  private final ArrayPool owner;
  private final Object array;
  private boolean freed;

  CpuBuffer(ArrayPool owner, DType dtype, Object array, int length) {
    super(dtype, length);
    this.owner = owner;
    this.array = array;
  }

  ArrayPool owner() {
    return owner;
  }

  Object array() {
    return array;
  }

  /** The element count as an int: every CPU array is indexed by int. */
  int size() {
    return (int) length();
  }

  boolean isFreed() {
    return freed;
  }

  void markFreed(boolean value) {
    freed = value;
  }

  float[] floats() {
    return (float[]) array;
  }

  double[] doubles() {
    return (double[]) array;
  }

  int[] ints() {
    return (int[]) array;
  }

  /** Element i widened to double, whatever the dtype: lets the reference kernels read every dtype with one loop. */
  double get(int i) {
    switch (dtype()) {
      case FLOAT32:
        return floats()[i];
      case FLOAT64:
        return doubles()[i];
      default:
        return ints()[i];
    }
  }

  /** Writes v rounded to this buffer's dtype (INT32 truncates toward zero). */
  void set(int i, double v) {
    switch (dtype()) {
      case FLOAT32:
        floats()[i] = (float) v;
        break;
      case FLOAT64:
        doubles()[i] = v;
        break;
      default:
        ints()[i] = (int) v;
    }
  }

  @Override
  public String toString() {
    return "CpuBuffer[" + dtype().label() + " x " + length() + (freed ? ", freed]" : "]");
  }
}
