package io.jgrad;

/**
 * A try-with-resources region in which ops record nothing for backward (evaluation, optimizer updates, checkpointed
 * forwards). Per thread; nests; closing restores the mode that was in force before.
 *
 * <pre>{@code try (NoGrad ignored = NoGrad.enter()) { logits = model.forward(x); } }</pre>
 */
public final class NoGrad implements AutoCloseable {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

  private final boolean previous;
  private boolean closed;

  private NoGrad(boolean enabled) {
    boolean[] mode = ENABLED.get();
    previous = mode[0];
    mode[0] = enabled;
  }

  /** Stops recording until closed. */
  public static NoGrad enter() {
    return new NoGrad(false);
  }

  /** Records again until closed, even inside a NoGrad region (the backward recompute of a checkpoint). */
  public static NoGrad enableGrad() {
    return new NoGrad(true);
  }

  public static boolean isGradEnabled() {
    return ENABLED.get()[0];
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ENABLED.get()[0] = previous;
    }
  }
}
