package io.jgrad.io;

import java.lang.management.ManagementFactory;

/** HotSpot's count of the bytes the current thread has allocated, to bound what a reader allocates. */
public final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocationMeter() {}

  /** Bytes allocated by this thread so far; the difference of two readings is what ran between them. */
  public static long threadAllocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }
}
