package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.spi.ReducedFloats;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** {@link Tensor#to}: one rounding forward, the gradient converted back to the input's dtype. */
class CastTest extends ReferenceBackendTest {

  @Test
  void forwardRoundsToNearestEvenAndBackwardConvertsTheGradientBack() {
    try (Scope ignored = Scope.open()) {
      float[] v = {1 + 0x1p-8f, 1 + 0x3p-8f, -3.3e38f, 65520f, 1e-30f, Float.NaN};
      Tensor x = Tensor.of(backend, v, 6).requiresGrad(true);
      for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
        Tensor y = x.to(dtype);
        assertEquals(dtype, y.dtype());
        short[] bits = y.toShortBits();
        for (int i = 0; i < v.length; i++) {
          assertEquals(ReducedFloats.toBits(dtype, v[i]), bits[i], dtype + " element " + i);
        }
        Tensor g = Tensor.of(backend, new float[] {0.5f, -2, 3, 1e-3f, 7, 1}, 6).to(dtype);
        x.zeroGrad();
        y.backward(g, false);
        assertEquals(DType.FLOAT32, x.grad().dtype(), "the gradient takes the input's dtype");
        assertArrayEquals(g.toFloatArray(), x.grad().toFloatArray(), "d(to)/dx is the identity, widened exactly");
      }
    }
  }

  @Test
  void theSameDtypeIsThisTensorAndIntegersConvertOnlyToFloatingTypes() {
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.of(backend, new float[] {1, 2}, 2);
      assertSame(x, x.to(DType.FLOAT32));
      Tensor labels = Tensor.of(backend, new int[] {1, 257, -3}, 3);
      Tensor converted = labels.to(DType.BFLOAT16);
      assertArrayEquals(new float[] {1, 256, -3}, converted.toFloatArray(), "257 rounds to even in bfloat16");
      assertFalse(converted.requiresGrad());
      assertSame(labels, labels.to(DType.INT32));
      assertThrows(IllegalArgumentException.class, () -> x.to(DType.INT32), "nor from a float");
    }
  }

  @Test
  void eqComparesElementwiseAndRefusesIntegers() {
    try (Scope ignored = Scope.open()) {
      Tensor predicted = Tensor.of(backend, new float[] {3, 1, 0, 2}, 4);
      Tensor labels = Tensor.of(backend, new int[] {3, 0, 0, 1}, 4);
      assertArrayEquals(new float[] {1, 0, 1, 0}, predicted.eq(labels.to(DType.FLOAT32)).toFloatArray());
      assertEquals(2.0, predicted.eq(labels.to(DType.FLOAT32)).sum().item());
      assertThrows(IllegalArgumentException.class, () -> labels.eq(labels), "int32 operands");
      assertThrows(IllegalArgumentException.class, () -> predicted.eq(labels), "mixed dtypes");
    }
  }
}
