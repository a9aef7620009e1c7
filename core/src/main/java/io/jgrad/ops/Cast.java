package io.jgrad.ops;

import io.jgrad.DType;
import io.jgrad.Tensor;
import io.jgrad.autograd.Function;

/**
 * y = x converted to another floating dtype (one rounding, nearest-even, as the backend's cast kernel). The gradient
 * is converted back to x's dtype: a cast is the identity on values, so its Jacobian is too. Saves nothing.
 */
public final class Cast extends Function {
  private final DType from;

  private Cast(DType from) {
    this.from = from;
  }

  public static Tensor apply(Tensor x, DType target) {
    if (!x.dtype().isFloating() || !target.isFloating()) {
      throw new IllegalArgumentException("to: casts between floating types only, not " + x.dtype().label() + " to "
          + target.label());
    }
    Tensor y = Tensor.empty(x.backend(), target, x.shape());
    x.backend().cast(x.buffer(), y.buffer());
    if (isRecording(x)) {
      new Cast(x.dtype()).connect(y, x);
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor gradOut) {
    Tensor dx = Tensor.empty(gradOut.backend(), from, gradOut.shape());
    gradOut.backend().cast(gradOut.buffer(), dx.buffer());
    return new Tensor[] {dx};
  }

  @Override
  public String name() {
    return "to";
  }
}
