package io.jgrad.interop;

import io.jgrad.Backend;
import io.jgrad.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between nd4j {@link INDArray}s and jgrad {@link Tensor}s, any rank. FLOAT, DOUBLE and INT arrays become
 * float32, float64 and int32 tensors and back. Both directions copy: the two libraries own their memory differently
 * (nd4j off-heap buffers and workspaces, jgrad backend storage closed by scopes), so neither may hold the other's.
 */
public final class Nd4jTensors {
  private Nd4jTensors() {}

  /** A tensor on {@code backend} with the shape and values of {@code array}, in whatever order or view it is. */
  public static Tensor fromINDArray(Backend backend, INDArray array) {
    int[] dims = Arrays.stream(array.shape()).mapToInt(Math::toIntExact).toArray();
    return switch (array.dataType()) {
      case FLOAT -> Tensor.of(backend, rowMajor(array).data().asFloat(), dims);
      case DOUBLE -> Tensor.of(backend, rowMajor(array).data().asDouble(), dims);
      case INT -> Tensor.of(backend, rowMajor(array).data().asInt(), dims);
      default -> throw new IllegalArgumentException(
          "fromINDArray: nd4j dtype " + array.dataType() + " has no jgrad tensor type; cast to FLOAT, DOUBLE or INT");
    };
  }

  /** A new c-order INDArray with the shape and values of {@code tensor}. */
  public static INDArray toINDArray(Tensor tensor) {
    long[] shape = Arrays.stream(tensor.shape().dims()).asLongStream().toArray();
    return switch (tensor.dtype()) {
      case FLOAT32 -> Nd4j.create(tensor.toFloatArray(), shape, DataType.FLOAT);
      case FLOAT64 -> Nd4j.create(tensor.toDoubleArray(), shape, DataType.DOUBLE);
      case INT32 -> Nd4j.create(tensor.toIntArray(), shape, DataType.INT);
      // Widened exactly to float, then narrowed by nd4j: the values round-trip.
      case BFLOAT16 -> Nd4j.create(tensor.toFloatArray(), shape, DataType.FLOAT).castTo(DataType.BFLOAT16);
      case FLOAT16 -> Nd4j.create(tensor.toFloatArray(), shape, DataType.FLOAT).castTo(DataType.HALF);
    };
  }

  /**
   * {@code array}, or a c-order copy of it, whose buffer holds exactly its elements in row-major order. The
   * {@code DataBuffer.asFloat()} family reads a whole buffer from its start, so only such an array may be read
   * directly; 'f'-order arrays and views (transposes, slices, strided rows) are copied first.
   */
  static INDArray rowMajor(INDArray array) {
    boolean packed = array.ordering() == 'c'
        && Shape.hasDefaultStridesForShape(array)
        && array.offset() == 0
        && array.data().length() == array.length();
    return packed ? array : array.dup('c');
  }
}
