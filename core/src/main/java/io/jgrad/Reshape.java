package io.jgrad;

/** A view with another shape of the same elements (no copy). Saves nothing: the gradient is reshaped back. */
final class Reshape extends Function {
  private Reshape() {} // made by apply only

  static Tensor apply(Tensor x, Shape shape) {
    if (shape.size() != x.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot reshape " + x.shape() + " (" + x.size() + " elements) to " + shape + " (" + shape.size()
              + " elements)");
    }
    Tensor out = x.view(shape);
    if (isRecording(x)) {
      new Reshape().connect(out, x);
    }
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.view(inputShape(0))};
  }
}
