package io.jgrad;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the define-by-run graph: one application of an op, its inputs, and the tensors its backward needs. Ops
 * subclass it with their forward (a static {@code apply}) and {@link #backward} side by side; see the package note of
 * {@code io.jgrad} for the gradient convention.
 *
 * <p>An op computes its output, and only when {@link #isRecording(Tensor...)} says so builds its Function, {@link
 * #save}s what backward needs and {@link #connect}s the output.
 */
public abstract class Function {
  private Tensor[] inputs;
  private final List<Tensor> saved = new ArrayList<>(2);
  private final List<Boolean> counted = new ArrayList<>(2);
  private boolean released;

  protected Function() {}

  /** Whether an op on these inputs must record a Function: grad mode is on and some input requires a gradient. */
  public static boolean isRecording(Tensor... inputs) {
    if (!NoGrad.isGradEnabled()) {
      return false;
    }
    for (Tensor t : inputs) {
      if (t != null && t.requiresGrad()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the gradient of the loss with respect to each input (same shape and dtype as the input), or null for an
   * input that needs none. May return {@code gradOut} itself; must not modify it.
   */
  protected abstract Tensor[] backward(Tensor gradOut);

  /** Whether this function's output is a parameter's lasting 16-bit copy (see Cast), which save does not count. */
  protected boolean outputIsParameterCopy() {
    return false;
  }

  /** The op's name, for errors and {@code toString}. */
  public String name() {
    return getClass().getSimpleName();
  }

  /** Makes {@code out} the output of this function applied to {@code inputs}. Returns out. */
  protected final Tensor connect(Tensor out, Tensor... inputs) {
    this.inputs = inputs.clone();
    out.attach(this);
    return out;
  }

  /**
   * Keeps {@code t}'s value alive for backward, however the caller's scope ends, and counts its bytes as activation
   * memory (unless it is a parameter). Returns the reference to use in backward.
   */
  protected final Tensor save(Tensor t) {
    Tensor ref;
    try (Scope ignored = Scope.detached()) {
      ref = t.detach();
    }
    // A parameter's 16-bit copy (autocast) lives as long as the parameter: it is no more an activation than W is.
    boolean isActivation =
        !(t.isLeaf() && t.requiresGrad()) && !(t.gradFn() != null && t.gradFn().outputIsParameterCopy());
    if (isActivation) {
      ActivationMemory.saved(ref.buffer());
    }
    saved.add(ref);
    counted.add(isActivation);
    return ref;
  }

  /** Whether backward must produce a gradient for input {@code i}. */
  protected final boolean needsGrad(int i) {
    return inputs[i] != null && inputs[i].requiresGrad();
  }

  /** The shape of input {@code i} (available even after the input itself was closed). */
  protected final Shape inputShape(int i) {
    return inputs[i].shape();
  }

  final Tensor[] inputs() {
    return inputs;
  }

  final boolean isReleased() {
    return released;
  }

  final Tensor[] runBackward(Tensor gradOut) {
    if (released) {
      throw new IllegalStateException(
          "backward through " + name() + " a second time: its saved tensors were freed after the first backward;"
              + " pass retainGraph = true to the first backward");
    }
    return backward(gradOut);
  }

  /** Frees the saved tensors: called by the executor once this node's backward has run. */
  final void release() {
    if (released) {
      return;
    }
    released = true;
    for (int i = 0; i < saved.size(); i++) {
      if (counted.get(i)) {
        ActivationMemory.released(saved.get(i).buffer());
      }
      saved.get(i).close();
    }
    saved.clear();
    counted.clear();
  }
}
