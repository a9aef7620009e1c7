package io.jgrad;

/**
 * How much memory a backend can still give tensors, asked before a run is built so that a size that cannot fit is
 * refused in one line instead of failing at allocation.
 *
 * @param where what holds the tensors: the Java heap (the CPU backends keep them in Java arrays) or a device
 * @param freeBytes what can still be allocated now
 * @param totalBytes the limit: the heap's maximum, or the device's memory
 */
public record MemoryCapacity(Where where, long freeBytes, long totalBytes) {

  /** What holds a backend's tensors, which decides how the limit is raised. */
  public enum Where {
    /** The JVM's heap: raised with -Xmx. */
    JAVA_HEAP,
    /** An accelerator's own memory: fixed by the hardware and what other processes hold. */
    DEVICE
  }

  public MemoryCapacity {
    if (where == null || freeBytes < 0 || totalBytes < freeBytes) {
      throw new IllegalArgumentException(
          "MemoryCapacity: need 0 <= free <= total, got " + where + " " + freeBytes + " of " + totalBytes);
    }
  }

  /** The Java heap now: its limit less what is in use. */
  public static MemoryCapacity javaHeap() {
    Runtime rt = Runtime.getRuntime();
    long max = rt.maxMemory();
    return new MemoryCapacity(Where.JAVA_HEAP, Math.max(0, max - (rt.totalMemory() - rt.freeMemory())), max);
  }
}
