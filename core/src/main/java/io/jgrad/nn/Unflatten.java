package io.jgrad.nn;

import io.jgrad.Tensor;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * [B, F] → [B, …shape], PyTorch's nn.Unflatten(1, shape): flat rows into images for a convolution. A view of the same
 * storage; an input already of shape [B, …shape] passes through as a view too.
 */
public final class Unflatten extends Module {
  private final int[] shape;

  /** @param shape one example's shape, e.g. [C, H, W] */
  public Unflatten(int... shape) {
    if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("Unflatten: shape " + Arrays.toString(shape) + " needs dimensions >= 1");
    }
    this.shape = shape.clone();
  }

  /** One example's shape. */
  public int[] shape() {
    return shape.clone();
  }

  @Override
  protected String settings() {
    StringJoiner size = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
    Arrays.stream(shape).forEach(d -> size.add(Integer.toString(d)));
    return "dim=1, unflattened_size=" + size;
  }

  @Override
  public Tensor forward(Tensor x) {
    long per = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
    if (x.rank() < 1 || x.dim(0) == 0 || x.size() / x.dim(0) != per) {
      throw new IllegalArgumentException(
          "Unflatten" + Arrays.toString(shape) + ": input " + x.shape() + " does not hold examples of " + per);
    }
    int[] dims = new int[shape.length + 1];
    dims[0] = x.dim(0);
    System.arraycopy(shape, 0, dims, 1, shape.length);
    return x.reshape(dims);
  }
}
