package io.jgrad;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seeded source of random tensors: a seed plus the next unused Philox counter. Each draw of n numbers takes counters
 * [offset, offset + n), so a run is replayable from (seed, offset) on any backend — the RNG state a checkpoint saves.
 */
public final class Generator {
  private static final ThreadLocal<Watch> WATCH = new ThreadLocal<>();

  private final long seed;
  private long offset;

  public Generator(long seed) {
    this(seed, 0);
  }

  public Generator(long seed, long offset) {
    this.seed = seed;
    this.offset = offset;
  }

  public long seed() {
    return seed;
  }

  public synchronized long offset() {
    return offset;
  }

  public synchronized void setOffset(long offset) {
    this.offset = offset;
  }

  /** Reserves {@code n} counters and returns the first (inside a {@link RandomTape} replay: the recorded first). */
  public synchronized long advance(long n) {
    Watch watch = WATCH.get();
    if (watch != null) {
      watch.starts.putIfAbsent(this, offset);
    }
    long replayed = RandomTape.intercept(this, offset, n);
    if (replayed >= 0) {
      return replayed;
    }
    long first = offset;
    offset += n;
    return first;
  }

  /**
   * Notes, until closed, each generator that hands out counters on this thread and its offset before its first draw:
   * what a recorded training step draws, so that each replay of it can be given the counters that follow.
   */
  public static Watch watch() {
    Watch w = new Watch(WATCH.get());
    WATCH.set(w);
    return w;
  }

  /** The region of {@link #watch()}. */
  public static final class Watch implements AutoCloseable {
    private final Map<Generator, Long> starts = new LinkedHashMap<>();
    private final Watch previous;

    private Watch(Watch previous) {
      this.previous = previous;
    }

    /** The generators that drew, in order of their first draw, each with its offset before that draw. */
    public Map<Generator, Long> starts() {
      return Collections.unmodifiableMap(starts);
    }

    @Override
    public void close() {
      WATCH.set(previous);
    }
  }
}
