package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Binary ops on operands of two floating dtypes ({@link Promotion}): the result type is PyTorch's (the table below is
 * what torch 2 printed for {@code (a * b).dtype}), and the gradients, each in its input's dtype, are the float64
 * gradients of the same op on the same values up to the rounding into the result type and then into the input's
 * type. A float64 central difference cannot see through a rounding to 16 bits (see OpCases' cast row), so this is
 * the gradient check that means something for mixed dtypes; OpConformance compares the backends on the mixed rows.
 * Integers are not promoted (BackwardTest).
 */
class PromotionTest extends ReferenceBackendTest {
  private static final List<String> OPS = List.of("add", "sub", "mul", "div", "pow", "maximum", "minimum");

  private record Pair(DType a, int[] aDims, DType b, int[] bDims, DType result) {}

  @Test
  void theResultTypeIsPyTorchs() {
    int[] v = {3};
    int[] s = {};
    List<Pair> table = List.of(
        new Pair(DType.BFLOAT16, v, DType.FLOAT32, v, DType.FLOAT32),
        new Pair(DType.BFLOAT16, v, DType.FLOAT16, v, DType.FLOAT32),
        new Pair(DType.FLOAT16, v, DType.FLOAT64, v, DType.FLOAT64),
        new Pair(DType.FLOAT32, v, DType.FLOAT64, v, DType.FLOAT64),
        new Pair(DType.BFLOAT16, v, DType.FLOAT32, s, DType.BFLOAT16),
        new Pair(DType.FLOAT32, s, DType.FLOAT64, s, DType.FLOAT64),
        new Pair(DType.FLOAT32, v, DType.FLOAT64, s, DType.FLOAT32),
        new Pair(DType.BFLOAT16, s, DType.FLOAT16, v, DType.FLOAT16),
        new Pair(DType.BFLOAT16, s, DType.FLOAT16, s, DType.FLOAT32));
    try (Scope ignored = Scope.open()) {
      for (Pair p : table) {
        for (String op : OPS) {
          Tensor a = operand(p.a(), p.aDims(), 1).requiresGrad(true);
          Tensor b = operand(p.b(), p.bDims(), 2).requiresGrad(true);
          Tensor y = apply(op, a, b);
          String what = op + "(" + p.a().label() + Shape.of(p.aDims()) + ", " + p.b().label() + Shape.of(p.bDims())
              + ")";
          assertEquals(p.result(), y.dtype(), what);
          y.sum().backward();
          assertEquals(p.a(), a.grad().dtype(), what + ": a's gradient");
          assertEquals(p.b(), b.grad().dtype(), what + ": b's gradient");
        }
      }
    }
  }

  @Test
  void gradientsAreTheFloat64OnesRoundedIntoEachInputsType() {
    DType[][] pairs = {
      {DType.BFLOAT16, DType.FLOAT32}, {DType.FLOAT32, DType.BFLOAT16}, {DType.BFLOAT16, DType.FLOAT16},
      {DType.FLOAT16, DType.FLOAT32}, {DType.FLOAT32, DType.FLOAT64}
    };
    for (DType[] pair : pairs) {
      for (String op : OPS) {
        try (Scope ignored = Scope.open()) {
          Tensor a = operand(pair[0], new int[] {4, 3}, 11).requiresGrad(true);
          Tensor b = operand(pair[1], new int[] {3}, 12).requiresGrad(true); // broadcast: its gradient is a sum
          Tensor y = apply(op, a, b);
          Tensor g = Tensor.rand(backend, y.dtype(), y.shape(), new Generator(13), -1, 1);
          y.backward(g, false);

          Tensor a64 = a.detach().to(DType.FLOAT64).requiresGrad(true);
          Tensor b64 = b.detach().to(DType.FLOAT64).requiresGrad(true);
          Tensor y64 = apply(op, a64, b64);
          y64.backward(g.to(DType.FLOAT64), false);

          String what = op + "(" + pair[0].label() + ", " + pair[1].label() + ")";
          DType result = y.dtype();
          assertClose(what + " forward", y64, y, result, result);
          assertClose(what + " d/da", a64.grad(), a.grad(), result, pair[0]);
          assertClose(what + " d/db", b64.grad(), b.grad(), result, pair[1]);
        }
      }
    }
  }

  /** Values in [0.5, 2) of {@code dtype} (exact in it), so that div and pow are smooth and pow's base positive. */
  private static Tensor operand(DType dtype, int[] dims, long seed) {
    return Tensor.rand(backend, DType.FLOAT32, Shape.of(dims), new Generator(seed), 0.5, 2).to(dtype).detach();
  }

  private static Tensor apply(String op, Tensor a, Tensor b) {
    BinaryOperator<Tensor> f = switch (op) {
      case "add" -> Tensor::add;
      case "sub" -> Tensor::sub;
      case "mul" -> Tensor::mul;
      case "div" -> Tensor::div;
      case "pow" -> Tensor::pow;
      case "maximum" -> Tensor::maximum;
      default -> Tensor::minimum;
    };
    return f.apply(a, b);
  }

  /**
   * actual within the roundings the mixed op adds to the float64 value: a few units of the result type (its
   * arithmetic) plus one of the stored type's (the final conversion).
   */
  private static void assertClose(String what, Tensor expected, Tensor actual, DType computed, DType stored) {
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    assertEquals(e.length, a.length, what);
    for (int i = 0; i < e.length; i++) {
      double slack = 1e-7 + (4 * unit(computed) + unit(stored)) * Math.abs(e[i]);
      assertEquals(e[i], a[i], slack, what + " [" + i + "]");
    }
  }

  private static double unit(DType dtype) {
    return switch (dtype) {
      case BFLOAT16 -> 0x1p-8;
      case FLOAT16 -> 0x1p-11;
      case FLOAT32 -> 0x1p-24;
      default -> 0x1p-53;
    };
  }
}
