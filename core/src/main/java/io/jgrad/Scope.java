package io.jgrad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A memory scope (try-with-resources): every tensor created on this thread while the scope is innermost is closed when
 * the scope closes, except the ones {@link #keep kept}. Parameters, their gradients and optimizer state are created
 * {@link #detached() outside} any scope. The trainer opens one scope per step, so a step's activations and temporaries
 * are returned to the backend's pool as soon as the step ends. Closing a scope also frees the saved activations of
 * graphs recorded inside it that no kept tensor leads back to (a forward that was never backpropagated).
 */
public final class Scope implements AutoCloseable {
  private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

  private final List<Tensor> owned = new ArrayList<>();
  private final Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  private final boolean detached;
  private boolean closed;

  private Scope(boolean detached) {
    this.detached = detached;
  }

  /** Opens a scope that owns the tensors created inside it. */
  public static Scope open() {
    Scope s = new Scope(false);
    STACK.get().push(s);
    return s;
  }

  /** Opens a scope inside which new tensors belong to no scope (for parameters, gradients, optimizer state). */
  public static Scope detached() {
    Scope s = new Scope(true);
    STACK.get().push(s);
    return s;
  }

  /** Called by every new tensor. */
  static void register(Tensor t) {
    Scope s = STACK.get().peek();
    if (s != null && !s.detached) {
      s.owned.add(t);
    }
  }

  /** Keeps {@code t} alive past this scope; it moves to the enclosing scope, if any. Returns t. */
  public Tensor keep(Tensor t) {
    kept.add(t);
    return t;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ArrayDeque<Scope> stack = STACK.get();
    if (stack.peek() != this) {
      throw new IllegalStateException("scopes must close in the reverse order they were opened");
    }
    stack.pop();
    Scope outer = stack.peek();
    Backward.freeGraphs(owned, kept);
    for (Tensor t : owned) {
      if (kept.contains(t)) {
        if (outer != null && !outer.detached) {
          outer.owned.add(t);
        }
      } else {
        t.close();
      }
    }
    owned.clear();
  }
}
