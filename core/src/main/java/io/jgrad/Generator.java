package io.jgrad;

/**
 * A seeded source of random tensors: a seed plus the next unused Philox counter. Each draw of n numbers takes counters
 * [offset, offset + n), so a run is replayable from (seed, offset) on any backend — the RNG state a checkpoint saves.
 */
public final class Generator {
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
    long replayed = RandomTape.intercept(this, offset, n);
    if (replayed >= 0) {
      return replayed;
    }
    long first = offset;
    offset += n;
    return first;
  }
}
