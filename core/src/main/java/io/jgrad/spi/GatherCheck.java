package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.DType;

/** The argument checks of {@link Backend#gather}, shared by every backend so each reports them in the same words. */
public final class GatherCheck {
  private GatherCheck() {}

  /** Dtypes, row length and ranges; index values are checked per row by {@link #index} where a backend reads them. */
  public static void arguments(Buffer src, long rowLength, Buffer indices, long from, int count, Buffer dst) {
    if (src.dtype() != dst.dtype()) {
      throw new IllegalArgumentException("gather: src is " + src.dtype().label() + " but dst is " + dst.dtype().label());
    }
    if (indices.dtype() != DType.INT32) {
      throw new IllegalArgumentException("gather: indices must be int32, got " + indices.dtype().label());
    }
    if (rowLength < 1 || src.length() % rowLength != 0) {
      throw new IllegalArgumentException(
          "gather: row length " + rowLength + " does not divide src's " + src.length() + " elements");
    }
    if (count < 0 || from < 0 || from + count > indices.length()) {
      throw new IllegalArgumentException("gather: index range [" + from + ", +" + count + ") is outside the "
          + indices.length() + " indices");
    }
    if ((long) count * rowLength > dst.length()) {
      throw new IllegalArgumentException("gather: " + count + " rows of " + rowLength + " do not fit dst's "
          + dst.length() + " elements");
    }
  }

  /** One index read from {@code indices[position]}: a row of src. */
  public static void index(int row, long srcRows, long position) {
    if (row < 0 || row >= srcRows) {
      throw new IllegalArgumentException(
          "gather: indices[" + position + "] = " + row + " is outside src's " + srcRows + " rows");
    }
  }
}
