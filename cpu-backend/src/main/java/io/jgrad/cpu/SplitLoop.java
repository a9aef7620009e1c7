package io.jgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An element-wise loop over [0, n) split over a {@link WorkerTeam}: the threads take pieces of the range from a
 * counter, so a core slowed by other work takes fewer of them. Each element is computed by the same code wherever
 * the boundaries fall (pieces start at multiples of {@link #PIECE}, a multiple of every vector length), so results do
 * not depend on the number of threads. Below {@link #MIN} elements the caller runs the loop alone: waking a worker
 * costs more than it saves.
 */
final class SplitLoop {
  /** One piece of the loop: elements [from, to). */
  interface Range {
    void run(int from, int to);
  }

  /**
   * Elements from which the loop is split. An optimizer step (SGD or AdamW) on the 784×512 and 512×256 weights and
   * the dropout draws (128×512 and 128×256) are above it; biases and the output layer stay on the caller.
   */
  static final int MIN = 1 << 14;
  /** Elements per piece: 32 KB of each float operand; a multiple of every vector length and of VectorPhilox's block. */
  static final int PIECE = 1 << 13;

  private final WorkerTeam team;

  SplitLoop(WorkerTeam team) {
    this.team = team;
  }

  /** Runs {@code body} over [0, n), in pieces on every thread of the team when n is at least {@link #MIN}. */
  void run(int n, Range body) {
    if (n < MIN || team.threads() == 1) {
      body.run(0, n);
      return;
    }
    int pieces = (n + PIECE - 1) / PIECE;
    AtomicInteger next = new AtomicInteger(); // per call: the backend may be used from several threads in turn
    team.run((part, parts) -> {
      for (int p; (p = next.getAndIncrement()) < pieces; ) {
        body.run(p * PIECE, Math.min(n, (p + 1) * PIECE));
      }
    });
  }
}
