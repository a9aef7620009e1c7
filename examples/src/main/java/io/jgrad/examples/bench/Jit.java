package io.jgrad.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JIT compiled anything while some work ran. The benchmarks warm up until it has not: on a 2-core machine
 * its compiler threads take 15–50% of a core for several seconds of a run, so work timed before they settle measures
 * the compiler's competition, not the steady state (docs/benchmarks.md).
 */
final class Jit {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
  private static final boolean WATCHED = COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();

  private Jit() {}

  /** Runs work; true if the JIT compiled nothing meanwhile (always true where the JVM does not report it). */
  static boolean quietDuring(Runnable work) {
    long before = WATCHED ? COMPILER.getTotalCompilationTime() : 0;
    work.run();
    return !WATCHED || COMPILER.getTotalCompilationTime() == before;
  }
}
