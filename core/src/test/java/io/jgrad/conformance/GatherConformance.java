package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Row gather (what a loader with the dataset in backend memory builds batches with): dst row r = src row
 * indices[from + r], against a plain Java reference, at odd row counts, row lengths and index offsets, with repeated
 * indices; rows of dst past count are left alone.
 */
public abstract class GatherConformance extends KernelConformance {
  private static final int[] ROW_LENGTHS = {1, 3, 33, 785};

  protected GatherConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @EachFloatType
  void gathersFloatRows(DType dtype) {
    assumeSupported(dtype);
    int rows = 37;
    for (int rowLength : ROW_LENGTHS) {
      double[] src = values(dtype, rows * rowLength, -5, 5);
      int[] indices = indices(rows, 53, rowLength);
      Buffer s = put(dtype, src);
      Buffer i = ints(indices);
      for (int[] range : new int[][] {{0, 53}, {5, 17}, {52, 1}, {9, 0}}) {
        int from = range[0];
        int count = range[1];
        Buffer d = poisoned(dtype, count * rowLength + rowLength);
        backend.gather(s, rowLength, i, from, count, d);
        double[] out = get(d);
        double[] expected = new double[count * rowLength];
        for (int r = 0; r < count; r++) {
          System.arraycopy(src, indices[from + r] * rowLength, expected, r * rowLength, rowLength);
        }
        String where = dtype.label() + " rows of " + rowLength + ", indices [" + from + ", +" + count + ")";
        assertArrayEquals(expected, Arrays.copyOf(out, count * rowLength), where);
        for (int k = count * rowLength; k < out.length; k++) {
          assertTrue(Double.isNaN(out[k]), where + ": wrote past its rows at " + k);
        }
        backend.free(d);
      }
      backend.free(s);
      backend.free(i);
    }
  }

  @Test
  void gathersIntRows() {
    int rows = 1001;
    int[] src = new int[rows * 2];
    for (int k = 0; k < src.length; k++) {
      src[k] = k * 7919 - 3_000_000;
    }
    int[] indices = indices(rows, rows, 2);
    Buffer s = ints(src);
    Buffer i = ints(indices);
    Buffer d = backend.allocate(DType.INT32, 2 * 999);
    backend.gather(s, 2, i, 1, 999, d);
    int[] out = new int[2 * 999];
    backend.download(d, out);
    for (int r = 0; r < 999; r++) {
      int row = indices[1 + r];
      assertEquals(src[2 * row], out[2 * r], "row " + r + " (src row " + row + "), first element");
      assertEquals(src[2 * row + 1], out[2 * r + 1], "row " + r + " (src row " + row + "), second element");
    }
    backend.free(s);
    backend.free(i);
    backend.free(d);
  }

  @Test
  void badArgumentsAreErrors() {
    Buffer s = backend.allocate(DType.FLOAT32, 12);
    Buffer i = ints(new int[] {0, 1, 2});
    Buffer d = backend.allocate(DType.FLOAT32, 8);
    Buffer wrongType = backend.allocate(DType.INT32, 8);
    assertThrows(IllegalArgumentException.class, () -> backend.gather(s, 4, i, 0, 2, wrongType), "dtype mismatch");
    assertThrows(IllegalArgumentException.class, () -> backend.gather(s, 5, i, 0, 1, d), "row length 5 of 12");
    assertThrows(IllegalArgumentException.class, () -> backend.gather(s, 4, i, 2, 2, d), "indices [2, +2) of 3");
    assertThrows(IllegalArgumentException.class, () -> backend.gather(s, 4, i, 0, 3, d), "3 rows of 4 into 8");
    assertThrows(IllegalArgumentException.class, () -> backend.gather(s, 4, d, 0, 2, d), "float indices");
    for (Buffer b : new Buffer[] {s, i, d, wrongType}) {
      backend.free(b);
    }
  }

  /** n indices into [0, rows): a shuffled permutation, then repeats, seeded by the row length. */
  private static int[] indices(int rows, int n, int rowLength) {
    SplittableRandom rng = new SplittableRandom(SEED + rowLength);
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      out[k] = k < rows ? k : rng.nextInt(rows);
    }
    for (int k = Math.min(n, rows) - 1; k > 0; k--) {
      int j = rng.nextInt(k + 1);
      int t = out[k];
      out[k] = out[j];
      out[j] = t;
    }
    return out;
  }

  private Buffer ints(int[] values) {
    Buffer b = backend.allocate(DType.INT32, values.length);
    backend.upload(b, values);
    return b;
  }
}
