package io.jgrad.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warm-up until the JIT has settled. On a 2-core machine its compiler threads take 15–50% of a core for several seconds
 * of a run, so work timed before they settle measures the compiler's competition, not the steady state
 * (docs/benchmarks.md).
 */
final class Jit {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
  private static final boolean WATCHED = COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();

  /** What a warm-up ran: windows, seconds, and whether it ended because the JIT had settled. */
  record Warmup(int windows, double seconds, boolean settled) {}

  private Jit() {}

  /**
   * Runs window at least three times, then until the JIT has compiled nothing during two windows in a row (always
   * so where the JVM does not report compilation time), for at most maxSeconds in all.
   */
  static Warmup warmUp(Runnable window, double maxSeconds) {
    long t0 = System.nanoTime();
    int windows = 0;
    int quiet = 0;
    do {
      long before = WATCHED ? COMPILER.getTotalCompilationTime() : 0;
      window.run();
      windows++;
      quiet = !WATCHED || COMPILER.getTotalCompilationTime() == before ? quiet + 1 : 0;
    } while (windows < 3 || quiet < 2 && System.nanoTime() - t0 < maxSeconds * 1e9);
    return new Warmup(windows, (System.nanoTime() - t0) / 1e9, quiet >= 2);
  }
}
