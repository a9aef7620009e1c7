package io.jgrad.init;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;

/** Every element {@code value} (zeros for biases, ones for a norm's scale); draws nothing from the generator. */
public record Constant(double value) implements Initializer {
  @Override
  public Tensor create(Backend backend, DType dtype, Shape shape, int fanIn, int fanOut, Generator gen) {
    return Tensor.full(backend, dtype, shape, value);
  }
}
