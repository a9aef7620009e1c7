package io.jgrad.io;

import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named array of a safetensors file, detached from any backend: a dtype, a shape and the values as
 * little-endian bytes (the file's own layout, so reading and writing copy nothing more). Immutable: the
 * factories encode a copy, the accessors decode a fresh array.
 */
public final class TensorData {
  private final SafetensorsDtype dtype;
  private final int[] shape;
  private final byte[] data;

  /** Takes ownership of {@code data}: callers in this package hand over a buffer no one else holds. */
  TensorData(SafetensorsDtype dtype, int[] shape, byte[] data) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.data = data;
    long expected = elementCount(this.shape) * dtype.bytes();
    if (data.length != expected) {
      throw new IllegalArgumentException(
          dtype + " shape " + Arrays.toString(shape) + " needs " + expected + " bytes, got " + data.length);
    }
  }

  public static TensorData ofFloats(int[] shape, float[] values) {
    ByteBuffer buffer = allocate(SafetensorsDtype.F32, shape, values.length);
    buffer.asFloatBuffer().put(values);
    return new TensorData(SafetensorsDtype.F32, shape, buffer.array());
  }

  public static TensorData ofDoubles(int[] shape, double[] values) {
    ByteBuffer buffer = allocate(SafetensorsDtype.F64, shape, values.length);
    buffer.asDoubleBuffer().put(values);
    return new TensorData(SafetensorsDtype.F64, shape, buffer.array());
  }

  public static TensorData ofInts(int[] shape, int[] values) {
    ByteBuffer buffer = allocate(SafetensorsDtype.I32, shape, values.length);
    buffer.asIntBuffer().put(values);
    return new TensorData(SafetensorsDtype.I32, shape, buffer.array());
  }

  /** 16-bit patterns of {@code dtype} (BFLOAT16 → BF16, FLOAT16 → F16), stored as they are. */
  public static TensorData ofShortBits(DType dtype, int[] shape, short[] bits) {
    SafetensorsDtype code = switch (dtype) {
      case BFLOAT16 -> SafetensorsDtype.BF16;
      case FLOAT16 -> SafetensorsDtype.F16;
      default -> throw new IllegalArgumentException("ofShortBits: " + dtype.label() + " is not a 16-bit float type");
    };
    ByteBuffer buffer = allocate(code, shape, bits.length);
    buffer.asShortBuffer().put(bits);
    return new TensorData(code, shape, buffer.array());
  }

  public static TensorData ofLongs(int[] shape, long[] values) {
    ByteBuffer buffer = allocate(SafetensorsDtype.I64, shape, values.length);
    buffer.asLongBuffer().put(values);
    return new TensorData(SafetensorsDtype.I64, shape, buffer.array());
  }

  public SafetensorsDtype dtype() {
    return dtype;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements: the product of the shape (1 for a scalar, shape []). */
  public int size() {
    return data.length / dtype.bytes();
  }

  /** F32 values, or BF16/F16 ones widened exactly. */
  public float[] toFloats() {
    float[] values = new float[size()];
    if (dtype == SafetensorsDtype.BF16 || dtype == SafetensorsDtype.F16) {
      DType type = dtype == SafetensorsDtype.BF16 ? DType.BFLOAT16 : DType.FLOAT16;
      short[] bits = toShortBits();
      for (int i = 0; i < values.length; i++) {
        values[i] = ReducedFloats.fromBits(type, bits[i]);
      }
      return values;
    }
    view(SafetensorsDtype.F32).asFloatBuffer().get(values);
    return values;
  }

  /** The 16-bit patterns of a BF16 or F16 tensor. */
  public short[] toShortBits() {
    if (dtype != SafetensorsDtype.BF16 && dtype != SafetensorsDtype.F16) {
      throw new IllegalStateException("tensor is " + dtype + ", not BF16 or F16");
    }
    short[] bits = new short[size()];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(bits);
    return bits;
  }

  public double[] toDoubles() {
    double[] values = new double[size()];
    view(SafetensorsDtype.F64).asDoubleBuffer().get(values);
    return values;
  }

  public int[] toInts() {
    int[] values = new int[size()];
    view(SafetensorsDtype.I32).asIntBuffer().get(values);
    return values;
  }

  public long[] toLongs() {
    long[] values = new long[size()];
    view(SafetensorsDtype.I64).asLongBuffer().get(values);
    return values;
  }

  /** The little-endian bytes, shared: only this package's writer reads them. */
  byte[] bytes() {
    return data;
  }

  /** Product of the dimensions; -1 if a dimension is negative or the product passes Long.MAX_VALUE / 8. */
  static long elementCount(int[] shape) {
    long count = 1;
    for (int dim : shape) {
      if (dim < 0 || (dim > 0 && count > Long.MAX_VALUE / 8 / dim)) {
        return -1;
      }
      count *= dim;
    }
    return count;
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }

  private static ByteBuffer allocate(SafetensorsDtype dtype, int[] shape, int length) {
    long count = elementCount(shape);
    if (count != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + count + " elements, got " + length + " values");
    }
    return ByteBuffer.allocate(Math.multiplyExact(length, dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
  }

  private ByteBuffer view(SafetensorsDtype wanted) {
    if (dtype != wanted) {
      throw new IllegalStateException("tensor is " + dtype + ", not " + wanted);
    }
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }
}
