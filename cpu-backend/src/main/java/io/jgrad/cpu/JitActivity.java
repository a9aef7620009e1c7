package io.jgrad.cpu;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Whether the JIT is busy: in the last whole {@link #WINDOW} its compilations (C1 and C2) took at least {@link
 * #BUSY_MILLIS} ms, from the JVM's total compilation time, read once a window. {@link WorkerTeam} parks instead of
 * spinning while it is: where there are no more cores than kernel threads, a spinning worker holds a core that a
 * compiler thread then takes from the thread running the step's serial parts.
 */
final class JitActivity {
  /** The span over which compilation time is summed, in ns. */
  static final long WINDOW = 100_000_000;
  /**
   * Compilation time within one window that makes the JIT busy. Through the first epoch of the Fashion-MNIST recipe
   * the JIT compiles 50–300 ms a window (two compiler threads); later, and in {@code bench train}'s timed windows,
   * mostly under 15 ms with the odd spike. With 10 ms the bench's recipe step ran at 73–79k against 76–120k
   * samples/s.
   */
  static final long BUSY_MILLIS = 30;

  private final LongSupplier compilationMillis;
  private final LongSupplier nanoTime;
  private long windowEnd;
  private long windowStartTotal;
  private boolean busy = true;

  /**
   * @param compilationMillis the JVM's total compilation time so far
   * @param nanoTime a monotonic clock, as {@link System#nanoTime}
   */
  JitActivity(LongSupplier compilationMillis, LongSupplier nanoTime) {
    this.compilationMillis = compilationMillis;
    this.nanoTime = nanoTime;
    this.windowEnd = nanoTime.getAsLong() + WINDOW;
    this.windowStartTotal = compilationMillis.getAsLong();
  }

  /**
   * This JVM's JIT. Where the runtime lacks java.management (a jlink'd image without it, a modular application that
   * does not resolve it), the JVM has no JIT, or it does not time compilations: busy only in the first window.
   */
  static JitActivity ofThisJvm() {
    boolean management = ModuleLayer.boot().findModule("java.management").isPresent();
    return new JitActivity(management ? Management.compilationMillis() : () -> 0, System::nanoTime);
  }

  /** Touches java.management only once {@link #ofThisJvm} has found it. */
  static final class Management {
    /** The JVM's total compilation time, or 0 where it has no JIT or does not time compilations. */
    static LongSupplier compilationMillis() {
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : () -> 0;
    }
  }

  /**
   * Whether the last whole window held at least {@link #BUSY_MILLIS} ms of compilation (busy until the first window
   * ends: it is created as the JIT warms up). Called by one thread at a time.
   */
  boolean busy() {
    long now = nanoTime.getAsLong();
    if (now - windowEnd < 0) {
      return busy;
    }
    long total = compilationMillis.getAsLong();
    busy = total - windowStartTotal >= BUSY_MILLIS;
    windowStartTotal = total;
    windowEnd = now + WINDOW;
    return busy;
  }
}
