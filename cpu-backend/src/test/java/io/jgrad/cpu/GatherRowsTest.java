package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.spi.Buffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backends' gather beyond the conformance suite: split over the kernel threads it copies what one thread
 * copies, for rows that straddle the split's pieces and for every array type a dataset may hold; and a bad index
 * anywhere in the range is reported before dst changes.
 */
class GatherRowsTest {

  @Test
  void rowsGatheredOnSeveralThreadsEqualOneThreads() {
    int[] rowLengths = {1, 3, 785, SplitLoop.PIECE, SplitLoop.PIECE + 1};
    try (VectorKernels one = new VectorKernels(1);
        VectorKernels two = new VectorKernels(2);
        VectorKernels three = new VectorKernels(3)) {
      for (int n : rowLengths) {
        // Below the split, just above it, and a few pieces' worth.
        for (int elements : new int[] {SplitLoop.MIN - 1, SplitLoop.MIN + n, 5 * SplitLoop.PIECE + 17}) {
          int count = Math.max(1, elements / n);
          int srcRows = count + 7;
          int[] rows = shuffled(srcRows, count + 3);
          int from = 3;
          for (String type : new String[] {"float", "int", "short"}) {
            Object src = filled(type, srcRows * n);
            Object expected = filled(type, count * n + n); // one row past count: never written
            Object scratch = filled(type, count * n + n);
            for (int r = 0; r < count; r++) {
              System.arraycopy(src, rows[from + r] * n, expected, r * n, n);
            }
            for (VectorKernels k : new VectorKernels[] {one, two, three}) {
              Object dst = copyOf(scratch);
              k.gatherRows(src, rows, from, count, n, dst);
              assertSame(expected, dst, type + " rows of " + n + ", " + count + " rows, " + k);
            }
          }
        }
      }
    }
  }

  @Test
  void aBadIndexLeavesDstAsItWas() {
    for (String name : new String[] {"cpu", "cpu-scalar"}) {
      try (Backend b = Backends.create(name, BackendOptions.defaults())) {
        int n = 785;
        int count = 64; // 50,240 elements: split over the threads on the cpu backend
        float[] data = new float[100 * n];
        Arrays.fill(data, 1f);
        int[] rows = shuffled(100, count);
        rows[count - 1] = 100; // the last row is outside src
        Buffer src = b.wrap(data);
        Buffer indices = b.allocate(DType.INT32, count);
        b.upload(indices, rows);
        Buffer dst = b.allocate(DType.FLOAT32, (long) count * n);
        b.fill(dst, -2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> b.gather(src, n, indices, 0, count, dst));
        assertEquals("gather: indices[63] = 100 is outside src's 100 rows", e.getMessage(), name);
        float[] out = new float[count * n];
        b.download(dst, out);
        for (int i = 0; i < out.length; i++) {
          assertEquals(-2f, out[i], name + ": dst[" + i + "] written before the bad index was found");
        }
        for (Buffer buffer : new Buffer[] {src, indices, dst}) {
          b.free(buffer);
        }
      }
    }
  }

  /** n distinct indices into [0, rows) when n ≤ rows, in a seeded random order; repeats past rows. */
  private static int[] shuffled(int rows, int n) {
    Random r = new Random(rows * 31L + n);
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      out[k] = k % rows;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int t = out[k];
      out[k] = out[j];
      out[j] = t;
    }
    return out;
  }

  private static Object filled(String type, int length) {
    Random r = new Random(length);
    switch (type) {
      case "float" -> {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
          a[i] = r.nextFloat();
        }
        return a;
      }
      case "int" -> {
        int[] a = new int[length];
        for (int i = 0; i < length; i++) {
          a[i] = r.nextInt();
        }
        return a;
      }
      default -> {
        short[] a = new short[length];
        for (int i = 0; i < length; i++) {
          a[i] = (short) r.nextInt();
        }
        return a;
      }
    }
  }

  private static Object copyOf(Object a) {
    if (a instanceof float[] f) {
      return f.clone();
    }
    return a instanceof int[] i ? i.clone() : ((short[]) a).clone();
  }

  private static void assertSame(Object expected, Object actual, String what) {
    if (expected instanceof float[] f) {
      assertArrayEquals(f, (float[]) actual, what);
    } else if (expected instanceof int[] i) {
      assertArrayEquals(i, (int[]) actual, what);
    } else {
      assertArrayEquals((short[]) expected, (short[]) actual, what);
    }
  }
}
