package io.jgrad;

import java.util.ArrayList;
import java.util.List;

/**
 * Records which Philox counters the {@link Generator}s handed out on this thread, and replays them: a checkpointed
 * segment's recompute draws the very same dropout masks as its first forward, so its gradients are bit-identical.
 * Used by {@link io.jgrad.Checkpoint}; a try-with-resources region, nesting like {@link Scope}.
 */
final class RandomTape implements AutoCloseable {
  private static final ThreadLocal<RandomTape> ACTIVE = new ThreadLocal<>();

  private record Draw(Generator generator, long offset, long count) {}

  private final List<Draw> draws;
  private final boolean replaying;
  private RandomTape previous;
  private int next;

  private RandomTape(List<Draw> draws, boolean replaying) {
    this.draws = draws;
    this.replaying = replaying;
  }

  /** Starts recording the draws made on this thread until closed. */
  public static RandomTape record() {
    return new RandomTape(new ArrayList<>(), false).activate();
  }

  /** Replays this tape's draws, in order, until closed: each generator returns the recorded offsets. */
  public RandomTape replay() {
    return new RandomTape(draws, true).activate();
  }

  private RandomTape activate() {
    previous = ACTIVE.get();
    ACTIVE.set(this);
    return this;
  }

  /** Called by {@link Generator#advance}: the offset to use, or −1 to advance normally. */
  static long intercept(Generator g, long start, long count) {
    RandomTape tape = ACTIVE.get();
    if (tape == null) {
      return -1;
    }
    if (!tape.replaying) {
      tape.draws.add(new Draw(g, start, count));
      return -1;
    }
    if (tape.next >= tape.draws.size()) {
      throw new IllegalStateException("checkpoint replay drew more random numbers than the forward did");
    }
    Draw d = tape.draws.get(tape.next++);
    if (d.generator() != g || d.count() != count) {
      throw new IllegalStateException("checkpoint replay drew random numbers in another order than the forward did");
    }
    return d.offset();
  }

  @Override
  public void close() {
    ACTIVE.set(previous);
  }
}
