package io.jgrad.cpu;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;

/**
 * A buffer backed by one Java array: float[] for FLOAT32, double[] for FLOAT64, short[] bit patterns for BFLOAT16 and
 * FLOAT16, int[] for INT32: the pool's, or the caller's own where the backend wrapped it. The pool of the backend
 * that made it is its owner, so a buffer from another backend (or a freed one) is recognised and refused.
 */
final class CpuBuffer extends Buffer {
  /** Where the array came from, which decides what freeing the buffer does with it. */
  enum Origin {
    /** The pool's: freeing caches it for the next allocation of its size. */
    POOL,
    /** The caller's ({@link ArrayBackend#wrap}): freeing ends the view and leaves the array alone. */
    CALLER
  }

  private final ArrayPool owner;
  private final Object array;
  private final Origin origin;
  private boolean freed;

  CpuBuffer(ArrayPool owner, DType dtype, Object array, int length, Origin origin) {
    super(dtype, length);
    this.owner = owner;
    this.array = array;
    this.origin = origin;
  }

  ArrayPool owner() {
    return owner;
  }

  Origin origin() {
    return origin;
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

  /** The 16-bit patterns of a BFLOAT16 or FLOAT16 buffer. */
  short[] shorts() {
    return (short[]) array;
  }

  /** Element i widened to double, whatever the dtype: lets the reference kernels read every dtype with one loop. */
  double get(int i) {
    switch (dtype()) {
      case FLOAT32:
        return floats()[i];
      case FLOAT64:
        return doubles()[i];
      case BFLOAT16:
        return ReducedFloats.fromBfloat16(shorts()[i]);
      case FLOAT16:
        return ReducedFloats.fromFloat16(shorts()[i]);
      default:
        return ints()[i];
    }
  }

  /** Writes v rounded to this buffer's dtype (16-bit ones through float32, INT32 truncates toward zero). */
  void set(int i, double v) {
    switch (dtype()) {
      case FLOAT32:
        floats()[i] = (float) v;
        break;
      case FLOAT64:
        doubles()[i] = v;
        break;
      case BFLOAT16:
        shorts()[i] = ReducedFloats.toBfloat16((float) v);
        break;
      case FLOAT16:
        shorts()[i] = ReducedFloats.toFloat16((float) v);
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
