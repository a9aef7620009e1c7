package io.jgrad;

import java.util.Objects;

/**
 * Settings a backend is created with, each named at the call site: {@code
 * BackendOptions.defaults().withThreads(4).withSlowPath(SlowPath.REFUSE)}, {@code
 * Backends.create("cuda", BackendOptions.defaults().withDevice(1).withTf32(true))}.
 *
 * @param threads worker threads for CPU kernels (ignored by device backends); at least 1, at most {@link
 *     #maxThreads()}
 * @param slowPath what to do when the backend's fast kernels cannot run in this JVM
 * @param tf32 whether a GPU may run float32 GEMM on TF32 tensor cores (10-bit mantissas: faster, less accurate); off
 *     unless asked for, as in PyTorch
 * @param device which GPU, from 0 (ignored by CPU backends)
 * @param leakDetection how closely tensors that are never closed are watched for
 */
public record BackendOptions(int threads, SlowPath slowPath, boolean tf32, int device, LeakDetection leakDetection) {
  public BackendOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (threads > maxThreads()) {
      throw new IllegalArgumentException("threads must be at most " + maxThreads() + " (8 per core), got " + threads);
    }
    Objects.requireNonNull(slowPath, "slowPath");
    if (device < 0) {
      throw new IllegalArgumentException("device must be 0 or more, got " + device);
    }
    Objects.requireNonNull(leakDetection, "leakDetection");
  }

  /**
   * The most worker threads a backend takes: 8 per core, at least 64. More only adds switching, and a huge count (a
   * typo) would start threads until the JVM runs out of memory.
   */
  public static int maxThreads() {
    return Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@code threads} worker threads; a slow path warns; no TF32; device 0; leak detection as the system property
   * {@value LeakDetection#PROPERTY} says (off when unset).
   */
  public BackendOptions(int threads) {
    this(threads, SlowPath.WARN, false, 0, LeakDetection.fromSystemProperty());
  }

  /** One thread per available processor; a slow path warns; no TF32; device 0. */
  public static BackendOptions defaults() {
    return new BackendOptions(Runtime.getRuntime().availableProcessors());
  }

  public BackendOptions withThreads(int newThreads) {
    return new BackendOptions(newThreads, slowPath, tf32, device, leakDetection);
  }

  public BackendOptions withSlowPath(SlowPath newSlowPath) {
    return new BackendOptions(threads, newSlowPath, tf32, device, leakDetection);
  }

  public BackendOptions withTf32(boolean on) {
    return new BackendOptions(threads, slowPath, on, device, leakDetection);
  }

  public BackendOptions withDevice(int newDevice) {
    return new BackendOptions(threads, slowPath, tf32, newDevice, leakDetection);
  }

  public BackendOptions withLeakDetection(LeakDetection level) {
    return new BackendOptions(threads, slowPath, tf32, device, level);
  }
}
