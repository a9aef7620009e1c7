package io.jgrad.nn;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.internal.TensorAccess;

/**
 * A trainable tensor owned by a module: a leaf that requires a gradient (unless {@link #requiresGrad(boolean)
 * frozen}), created outside every {@link Scope}. The value is replaced, never mutated from outside, by {@link
 * #to(Backend)} and {@link #set(Tensor)}; optimizers update it in place through its buffer.
 */
public final class Parameter {
  private Tensor value;
  /**
   * The value in 16 bits for autocast's GEMMs, made at first use; rewritten by the optimizer's step kernel together
   * with the value, and by {@link #valueChanged()} after other in-place writes; or null.
   */
  private Tensor copy;

  /** Takes ownership of {@code value}; it must not belong to a scope. */
  public Parameter(Tensor value) {
    this.value = value.requiresGrad(true);
  }

  public Tensor value() {
    return value;
  }

  /** Whether backward computes this parameter's gradient and optimizers step it: true unless frozen. */
  public boolean requiresGrad() {
    return value.requiresGrad();
  }

  /**
   * Freezes the parameter (false) or lets it train again (true), as PyTorch's {@code requires_grad_}: a frozen value
   * takes no gradient, so backward does no work for it alone, and no optimizer step, weight decay included. Its
   * accumulated gradient is dropped (PyTorch's optimizers would still step a frozen parameter that kept one). Returns
   * this.
   */
  public Parameter requiresGrad(boolean requires) {
    value.requiresGrad(requires);
    if (!requires) {
      value.setGrad(null);
    }
    return this;
  }

  /**
   * The value as {@code dtype} for a forward: {@link #value()} itself when it is of that dtype; otherwise its 16-bit
   * copy, kept between steps (PyTorch's autocast weight cache, but rewritten by the optimizer step that changes the
   * value rather than rebuilt each forward), recorded as a cast of the value so the gradient reaches the float32
   * master. The cast runs only when the copy is first made or the dtype changes.
   */
  public Tensor valueIn(DType dtype) {
    if (value.dtype() == dtype) {
      return value;
    }
    if (copy == null || copy.dtype() != dtype) {
      dropCopy();
      try (Scope ignored = Scope.detached()) {
        copy = Tensor.empty(value.backend(), dtype, value.shape());
      }
      value.backend().cast(buffer(value), buffer(copy));
    }
    return TensorAccess.castReusing(value, copy);
  }

  /**
   * The kept 16-bit copy of the value, or null while none is kept: an optimizer step passes it to its kernel, which
   * rewrites it from the updated value in the same call (Backend#sgdStep, Backend#adamStep).
   */
  public Tensor reducedCopy() {
    return copy;
  }

  /** Tells the parameter that its value's buffer was written in place by other than an optimizer (loaded weights). */
  public void valueChanged() {
    if (copy != null) {
      value.backend().cast(buffer(value), buffer(copy));
    }
  }

  private void dropCopy() {
    if (copy != null) {
      copy.close();
      copy = null;
    }
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
    value = newValue.requiresGrad(old.requiresGrad());
    old.close();
    dropCopy();
  }

  /** Moves the value to another backend (its gradient is dropped). */
  public void to(Backend backend) {
    if (value.backend() == backend) {
      return;
    }
    Tensor moved = detachedCopy(value, backend).requiresGrad(value.requiresGrad());
    value.setGrad(null);
    value.close();
    value = moved;
    dropCopy();
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
          backend.upload(buffer(c), t.toShortBits());
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
    dropCopy();
  }
}
