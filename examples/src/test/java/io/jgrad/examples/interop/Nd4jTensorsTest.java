package io.jgrad.examples.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Tensor;
import io.jgrad.interop.Nd4jTensors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** INDArray → Tensor → INDArray on every supported dtype, rank 0–3, c- and f-order, and views. */
@EnabledOnOs(
    value = OS.LINUX,
    architectures = "amd64",
    disabledReason = "nd4j-native is on the test class path on linux-x86_64 only")
class Nd4jTensorsTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.create("cpu-scalar");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** Each case: an array, and the row-major values and shape the tensor must have (worked out by hand). */
  static Stream<Arguments> arrays() {
    return Stream.of(
        of("float rank 1", DType.FLOAT32, () -> Nd4j.createFromArray(1f, -2f, 3.5f), new int[] {3}, 1, -2, 3.5),
        of("float rank 0", DType.FLOAT32, () -> Nd4j.scalar(2.5f), new int[] {}, 2.5),
        // Column-major storage 1..6: element (i, j) is 1 + i + 2j.
        of("double 'f' order", DType.FLOAT64,
            () -> Nd4j.create(new double[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f'),
            new int[] {2, 3}, 1, 3, 5, 2, 4, 6),
        of("int rank 3", DType.INT32,
            () -> Nd4j.create(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, new long[] {2, 3, 2}, DataType.INT),
            new int[] {2, 3, 2}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
        of("float transposed view", DType.FLOAT32,
            () -> Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.FLOAT).transpose(),
            new int[] {3, 2}, 1, 4, 2, 5, 3, 6),
        // a[1, :, 1:3] of a = 0..23 as 2×3×4: element (i, j) is 12 + 4i + 1 + j; an offset and a row stride of 4.
        of("double sliced view", DType.FLOAT64,
            () -> Nd4j.arange(24).castTo(DataType.DOUBLE).reshape(2, 3, 4)
                .get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(1, 3)),
            new int[] {3, 2}, 13, 14, 17, 18, 21, 22),
        of("int column view", DType.INT32,
            () -> Nd4j.create(new int[] {1, 2, 3, 4, 5, 6}, new long[] {3, 2}, DataType.INT).getColumn(1),
            new int[] {3}, 2, 4, 6));
  }

  private static Arguments of(String name, DType dtype, Supplier<INDArray> array, int[] dims, double... values) {
    return Arguments.of(name, dtype, array, dims, values);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arrays")
  void roundTripKeepsShapeAndValues(
      String name, DType dtype, Supplier<INDArray> make, int[] dims, double[] values) {
    INDArray array = make.get();
    try (Tensor t = Nd4jTensors.fromINDArray(backend, array)) {
      assertEquals(dtype, t.dtype());
      assertArrayEquals(dims, t.shape().dims());
      assertArrayEquals(values, t.toDoubleArray());

      INDArray back = Nd4jTensors.toINDArray(t);
      assertEquals(array.dataType(), back.dataType());
      assertArrayEquals(array.shape(), back.shape());
      assertEquals('c', back.ordering());
      assertEquals(array, back);
    }
  }

  @Test
  void unsupportedDtypeIsAOneLineError() {
    INDArray longs = Nd4j.createFromArray(1L, 2L);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Nd4jTensors.fromINDArray(backend, longs));
    assertEquals(
        "fromINDArray: nd4j dtype LONG has no jgrad tensor type; cast to FLOAT, DOUBLE or INT", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
