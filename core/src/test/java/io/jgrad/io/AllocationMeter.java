package io.jgrad.io;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while a piece of code runs (HotSpot's per-thread counter). */
public final class AllocationMeter {
  private AllocationMeter() {}

  /** Runs {@code body}, which may throw, and returns how many bytes this thread allocated meanwhile. */
  public static long bytesAllocatedBy(Runnable body) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      body.run();
    } catch (RuntimeException expected) {
      // Callers assert on the outcome separately; here only the allocation counts.
    }
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
