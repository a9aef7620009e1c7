package io.jgrad;

/**
 * y = x converted to another floating dtype (one rounding, nearest-even, as the backend's cast kernel). The gradient
 * is converted back to x's dtype: a cast is the identity on values, so its Jacobian is too. Saves nothing. From
 * INT32 (labels) nothing is recorded: an integer tensor takes no gradient.
 */
final class Cast extends Function {
  private final DType from;
  /** Whether the output is a parameter's kept 16-bit copy rather than a fresh conversion. */
  private final boolean parameterCopy;

  private Cast(DType from, boolean parameterCopy) {
    this.from = from;
    this.parameterCopy = parameterCopy;
  }

  static Tensor apply(Tensor x, DType target) {
    if (!target.isFloating() || !(x.dtype().isFloating() || x.dtype() == DType.INT32)) {
      throw new IllegalArgumentException("to: converts to a floating type from a floating type or int32, not "
          + x.dtype().label() + " to " + target.label());
    }
    Tensor y = Tensor.empty(x.backend(), target, x.shape());
    x.backend().cast(x.buffer(), y.buffer());
    if (isRecording(x)) {
      new Cast(x.dtype(), false).connect(y, x);
    }
    return y;
  }

  /**
   * {@code copy}'s values, which already hold {@code master} converted (a parameter's 16-bit copy, rewritten by the
   * optimizer after each step), recorded as this cast of master without running it: the gradient reaches master.
   */
  static Tensor reuse(Tensor master, Tensor copy) {
    if (!master.shape().equals(copy.shape()) || !copy.dtype().isReduced()) {
      throw new IllegalArgumentException("to: " + copy.shape() + " " + copy.dtype().label()
          + " is not a 16-bit copy of " + master.shape() + " " + master.dtype().label());
    }
    Tensor y = copy.view(copy.shape());
    if (isRecording(master)) {
      new Cast(master.dtype(), true).connect(y, master);
    }
    return y;
  }

  @Override
  protected boolean outputIsParameterCopy() {
    return parameterCopy;
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
