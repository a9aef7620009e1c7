package io.jgrad;

import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode executor. Orders the graph topologically without recursion (a 10,000-op chain must not overflow
 * the stack), seeds dL/dL, runs each function's backward once in reverse order, sums gradients where a value fans out,
 * accumulates into leaves' {@code .grad}, and frees each function's saved tensors as soon as it has run.
 */
final class Backward {
  private Backward() {}

  /**
   * @param gradOut dL/droot, or null for a one-element root (then 1)
   */
  static void run(Tensor root, Tensor gradOut, boolean retainGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward: tensor " + root.shape()
          + " does not require grad (no input requires it)");
    }
    Tensor seed;
    if (gradOut == null) {
      if (root.size() != 1) {
        throw new IllegalArgumentException(
            "backward: tensor of shape " + root.shape() + " is not a scalar; pass its gradient explicitly");
      }
      seed = Tensor.full(root.backend(), root.dtype(), root.shape(), 1);
    } else {
      check(null, 0, gradOut, root);
      seed = gradOut;
    }
    if (root.isLeaf()) {
      accumulate(root, seed, false);
      if (seed != gradOut) {
        seed.close();
      }
      return;
    }
    Map<Function, Tensor> pending = new IdentityHashMap<>();
    Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    pending.put(root.gradFn(), seed);
    if (seed != gradOut) {
      owned.add(seed);
    }
    List<Function> order = topologicalOrder(root.gradFn());
    for (int idx = order.size() - 1; idx >= 0; idx--) {
      Function fn = order.get(idx);
      Tensor g = pending.remove(fn);
      if (g == null) {
        continue;
      }
      Tensor[] grads;
      try (NoGrad ignored = NoGrad.enter()) { // backward formulas may use tensor ops; they must not record
        grads = fn.runBackward(g);
      }
      Tensor[] inputs = fn.inputs();
      if (grads.length != inputs.length) {
        throw new IllegalStateException(
            "backward of " + fn.name() + " returned " + grads.length + " gradients for " + inputs.length + " inputs");
      }
      owned.remove(g);
      for (int i = 0; i < inputs.length; i++) {
        Tensor input = inputs[i];
        Tensor gi = grads[i];
        if (gi == null || input == null || !input.requiresGrad()) {
          continue;
        }
        check(fn, i, gi, input);
        if (input.isLeaf()) {
          // A gi that is neither the caller's nor another input's is freed below, so the leaf may take its storage.
          accumulate(input, gi, gi != gradOut && !owned.contains(gi) && once(grads, gi));
        } else {
          Tensor existing = pending.get(input.gradFn());
          if (existing == null) {
            // A gradient may come back for two inputs (x + x), be gradOut itself or a view of it (reshape): a pending
            // sum is added to in place, so each one must own its storage.
            pending.put(input.gradFn(), exclusive(gi, gradOut, owned) ? gi : copyOwned(gi, owned));
          } else {
            existing.backend().binary(
                BinaryOp.ADD, existing.buffer(), existing.shape(), gi.buffer(), gi.shape(), existing.buffer(),
                existing.shape());
          }
        }
      }
      if (!retainGraph) {
        fn.release();
      }
      // Gradients not handed on (consumed by a leaf or an existing sum) go back to the pool now, not at scope end.
      closeUnlessKept(g, gradOut, owned);
      for (Tensor gi : grads) {
        closeUnlessKept(gi, gradOut, owned);
      }
    }
  }

  /**
   * leaf.grad += g (PyTorch's AccumulateGrad); the first gradient is copied into a new .grad owned by no scope. After
   * {@link Tensor#zeroGrad()} it is written rather than added, and if g is a temporary of backward's that nothing else
   * holds ({@code disposable}: no view, saved reference or other input shares it), .grad takes g's storage and hands g
   * its old one, which backward frees with g: no copy, as AccumulateGrad steals a gradient it alone holds.
   */
  static void accumulate(Tensor leaf, Tensor g, boolean disposable) {
    Tensor grad = leaf.grad;
    if (grad == null) {
      try (Scope ignored = Scope.detached()) {
        leaf.grad = g.copy();
      }
      return;
    }
    if (!g.shape().equals(grad.shape()) || g.dtype() != grad.dtype() || g.backend() != grad.backend()) {
      throw new IllegalArgumentException("accumulateGrad: gradient " + g.shape() + " " + g.dtype().label()
          + " does not match .grad " + grad.shape() + " " + grad.dtype().label() + " (or is on another backend)");
    }
    if (!leaf.gradIsZero) {
      grad.backend().binary(
          BinaryOp.ADD, grad.buffer(), grad.shape(), g.buffer(), g.shape(), grad.buffer(), grad.shape());
    } else if (disposable && !g.isClosed() && !g.storage.isShared()) {
      Storage taken = g.storage;
      g.storage = grad.storage;
      grad.storage = taken;
    } else {
      grad.backend().copy(g.buffer(), 0, grad.buffer(), 0, grad.size());
    }
    leaf.gradIsZero = false;
  }

  private static boolean once(Tensor[] grads, Tensor g) {
    int n = 0;
    for (Tensor t : grads) {
      n += t == g ? 1 : 0;
    }
    return n == 1;
  }

  private static void closeUnlessKept(Tensor t, Tensor gradOut, Set<Tensor> owned) {
    if (t != null && t != gradOut && !owned.contains(t)) {
      t.close();
    }
  }

  /** Whether {@code gi} shares its storage with nothing that must not change; if so, it becomes owned. */
  private static boolean exclusive(Tensor gi, Tensor gradOut, Set<Tensor> owned) {
    Buffer storage = gi.buffer();
    if (gradOut != null && gradOut.buffer() == storage) {
      return false;
    }
    for (Tensor o : owned) {
      if (o.buffer() == storage) {
        return false;
      }
    }
    return owned.add(gi);
  }

  private static Tensor copyOwned(Tensor t, Set<Tensor> owned) {
    Tensor c = t.copy();
    owned.add(c);
    return c;
  }

  /**
   * The gradient fn returned for one input (fn null: the caller's gradOut for the root). The op is named only in an
   * error: a name built for every input of every node was a string or two per node and step.
   */
  private static void check(Function fn, int input, Tensor grad, Tensor expected) {
    if (!grad.shape().equals(expected.shape()) || grad.dtype() != expected.dtype()) {
      throw new IllegalStateException(gradientOf(fn, input) + " is " + grad.shape() + " " + grad.dtype().label()
          + ", expected " + expected.shape() + " " + expected.dtype().label());
    }
    if (grad.backend() != expected.backend()) {
      throw new IllegalStateException(gradientOf(fn, input) + " is on another backend");
    }
  }

  /** "backward of OP: gradient for input I", the start of check's errors. */
  private static String gradientOf(Function fn, int input) {
    return "backward of " + (fn == null ? "backward" : fn.name()) + ": gradient for input " + input;
  }

  /**
   * Frees the saved tensors of the graphs behind the {@code owned} tensors that no backward will run through: every
   * function not reachable from a survivor (a survivor's own function is reachable from it). Called when a {@link
   * Scope} closes, so a forward pass recorded but never backpropagated (an evaluation without NoGrad) does not hold
   * its activations forever.
   */
  static void freeGraphs(Collection<Tensor> owned, Collection<Tensor> survivors) {
    Set<Function> live = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : survivors) {
      if (t.gradFn() != null && !live.contains(t.gradFn())) {
        live.addAll(topologicalOrder(t.gradFn()));
      }
    }
    for (Tensor t : owned) {
      Function fn = t.gradFn();
      if (fn != null && !live.contains(fn)) {
        fn.release();
      }
    }
  }

  /** Depth-first post-order with an explicit stack: inputs come before the functions that use them. */
  static List<Function> topologicalOrder(Function root) {
    List<Function> order = new ArrayList<>();
    Set<Function> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {function, next input index}
    stack.push(new Object[] {root, 0});
    visited.add(root);
    while (!stack.isEmpty()) {
      Object[] top = stack.peek();
      Function fn = (Function) top[0];
      int next = (Integer) top[1];
      Tensor[] inputs = fn.inputs();
      if (next < inputs.length) {
        top[1] = next + 1;
        Tensor in = inputs[next];
        if (in != null && in.gradFn() != null && visited.add(in.gradFn())) {
          stack.push(new Object[] {in.gradFn(), 0});
        }
      } else {
        stack.pop();
        order.add(fn);
      }
    }
    return order;
  }
}
