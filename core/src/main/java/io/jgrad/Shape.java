package io.jgrad;

import java.util.Arrays;

/** An immutable tensor shape: row-major dimensions, the last one contiguous. A rank-0 shape is a scalar. */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  public static Shape of(int... dims) {
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": negative dimension " + d);
      }
    }
    return new Shape(dims.clone());
  }

  public static Shape scalar() {
    return new Shape(new int[0]);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long size() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** Product of the dimensions before {@code axis}. */
  public int outer(int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code axis}. */
  public int inner(int axis) {
    int n = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Accepts negative axes (-1 is the last); throws naming the shape when out of range. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
    }
    return a;
  }

  /** This shape with {@code axis} set to 1 (keepdim) or removed. */
  public Shape reduce(int axis, boolean keepDim) {
    int a = normalizeAxis(axis);
    if (keepDim) {
      int[] d = dims.clone();
      d[a] = 1;
      return new Shape(d);
    }
    int[] d = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != a) {
        d[j++] = dims[i];
      }
    }
    return new Shape(d);
  }

  /**
   * NumPy broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
   *
   * @param op named in the error
   */
  public static Shape broadcast(String op, Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
      int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            op + ": shapes " + a + " and " + b + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  /** Strides (in elements) of this shape read as broadcast into {@code target}: 0 along broadcast dimensions. */
  public long[] broadcastStrides(Shape target) {
    int rank = target.rank();
    long[] strides = new long[rank];
    long stride = 1;
    for (int i = rank - 1; i >= 0; i--) {
      int j = i - (rank - dims.length);
      if (j < 0) {
        strides[i] = 0;
      } else {
        strides[i] = dims[j] == 1 && target.dims[i] != 1 ? 0 : stride;
        stride *= dims[j];
      }
    }
    return strides;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
