package io.jgrad;

import java.util.function.BinaryOperator;

/**
 * PyTorch's type promotion for the element-wise binary ops (add, sub, mul, div, pow, maximum, minimum) when their two
 * floating operands differ in dtype: the op runs in the result type and returns it; each operand of another dtype is
 * converted by a recorded {@link Cast}, whose backward converts the gradient back, so every input's gradient comes in
 * its own dtype (as PyTorch's autograd casts it).
 *
 * <p>The result type ({@code torch.result_type}): bfloat16 with float16 gives float32 (neither holds the other),
 * a 16-bit type with float32 gives float32, anything with float64 gives float64; but a zero-dimensional operand does
 * not widen a dimensioned one of the same category ({@code x_bf16 * torch.tensor(2.0)} stays bfloat16). INT32 is not
 * promoted: mixing it with a float stays an error ({@link Broadcast#checkCompatible}).
 */
final class Promotion {
  private Promotion() {}

  /** Whether op(a, b) needs promotion: two floating operands of different dtypes. */
  static boolean needed(Tensor a, Tensor b) {
    return a.dtype() != b.dtype() && a.dtype().isFloating() && b.dtype().isFloating();
  }

  /** The dtype op(a, b) runs and returns in, for floating operands. */
  static DType resultType(Tensor a, Tensor b) {
    DType x = a.dtype();
    DType y = b.dtype();
    if (x == y) {
      return x;
    }
    boolean aScalar = a.rank() == 0;
    if (aScalar != (b.rank() == 0)) {
      return aScalar ? y : x; // the dimensioned operand's type
    }
    return x == DType.FLOAT64 || y == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
  }

  /** {@code op} on a and b converted to their {@link #resultType}; the conversions are recorded. */
  static Tensor apply(Tensor a, Tensor b, BinaryOperator<Tensor> op) {
    DType type = resultType(a, b);
    Tensor pa = a.dtype() == type ? a : Cast.apply(a, type);
    Tensor pb = b.dtype() == type ? b : Cast.apply(b, type);
    try {
      return op.apply(pa, pb);
    } finally { // the graph keeps what backward needs; the converted copies themselves are temporaries
      if (pa != a) {
        pa.close();
      }
      if (pb != b) {
        pb.close();
      }
    }
  }
}
