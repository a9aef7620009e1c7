package io.jgrad.nn;

import io.jgrad.Backend;
import io.jgrad.Scope;
import io.jgrad.Tensor;

/**
 * A trainable tensor owned by a module: a leaf that requires a gradient, created outside every {@link Scope}. The value
 * is replaced, never mutated from outside, by {@link #to(Backend)} and {@link #set(Tensor)}; optimizers update it in
 * place through its buffer.
 */
public final class Parameter {
  private Tensor value;

  /** Takes ownership of {@code value}; it must not belong to a scope. */
  public Parameter(Tensor value) {
    this.value = value.requiresGrad(true);
  }

  public Tensor value() {
    return value;
  }

  /** The accumulated gradient, or null. */
  public Tensor grad() {
    return value.grad();
  }

  /** Replaces the value (loading weights); the old one is closed. Shapes must agree. */
  public void set(Tensor newValue) {
    if (!newValue.shape().equals(value.shape()) || newValue.dtype() != value.dtype()) {
      throw new IllegalArgumentException(
          "parameter is " + value.shape() + " " + value.dtype().label() + ", cannot set it to " + newValue.shape() + " "
              + newValue.dtype().label());
    }
    Tensor old = value;
    value = newValue.requiresGrad(true);
    old.close();
  }

  /** Moves the value to another backend (its gradient is dropped). */
  public void to(Backend backend) {
    if (value.backend() == backend) {
      return;
    }
    Tensor moved = detachedCopy(value, backend);
    value.setGrad(null);
    value.close();
    value = moved.requiresGrad(true);
  }

  /** A copy of {@code t} on {@code backend}, same dtype, owned by no scope (parameters and module buffers). */
  static Tensor detachedCopy(Tensor t, Backend backend) {
    try (Scope ignored = Scope.detached()) {
      return switch (t.dtype()) {
        case FLOAT32 -> Tensor.of(backend, t.toFloatArray(), t.shape().dims());
        case FLOAT64 -> Tensor.of(backend, t.toDoubleArray(), t.shape().dims());
        case INT32 -> Tensor.of(backend, t.toIntArray(), t.shape().dims());
        case BFLOAT16, FLOAT16 -> {
          Tensor c = Tensor.empty(backend, t.dtype(), t.shape());
          backend.upload(c.buffer(), t.toShortBits());
          yield c;
        }
      };
    }
  }

  /** Zeroes the gradient, keeping its buffer: see {@link Tensor#zeroGrad()}. */
  public void zeroGrad() {
    value.zeroGrad();
  }

  public void close() {
    value.setGrad(null);
    value.close();
  }
}
