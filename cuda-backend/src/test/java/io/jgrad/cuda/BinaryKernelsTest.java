package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Broadcast struct that binary_broadcast indexes with, built on the host. */
class BinaryKernelsTest {

  @Test
  void columnPlusRowBroadcastsWithZeroStrides() {
    long[] fields = BinaryKernels.broadcastIndex(Shape.of(3, 1), Shape.of(4), Shape.of(3, 4));
    assertArrayEquals(new long[] {2}, Arrays.copyOfRange(fields, 0, 1));
    assertArrayEquals(new long[] {3, 4}, slice(fields, 1));
    assertArrayEquals(new long[] {1, 0}, slice(fields, 1 + BinaryKernels.MAX_RANK));
    assertArrayEquals(new long[] {0, 1}, slice(fields, 1 + 2 * BinaryKernels.MAX_RANK));
  }

  @Test
  void aScalarHasAllZeroStrides() {
    long[] fields = BinaryKernels.broadcastIndex(Shape.of(2, 3, 5), Shape.scalar(), Shape.of(2, 3, 5));
    assertArrayEquals(new long[] {15, 5, 1}, Arrays.copyOfRange(fields, 1 + BinaryKernels.MAX_RANK, 4 + 8));
    assertArrayEquals(new long[] {0, 0, 0}, Arrays.copyOfRange(fields, 1 + 16, 4 + 16));
  }

  @Test
  void ranksAboveTheKernelsLimitAreRefused() {
    Shape big = Shape.of(1, 1, 1, 1, 1, 1, 1, 1, 2);
    assertThrows(IllegalArgumentException.class, () -> BinaryKernels.broadcastIndex(big, big, big));
  }

  private static long[] slice(long[] fields, int from) {
    return Arrays.copyOfRange(fields, from, from + 2);
  }
}
