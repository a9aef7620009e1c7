package io.jgrad;

import java.util.Objects;

/**
 * Settings a backend is created with: {@code BackendOptions.defaults().withThreads(4).withSlowPath(SlowPath.REFUSE)}.
 *
 * @param threads worker threads for CPU kernels (ignored by device backends); at least 1
 * @param slowPath what to do when the backend's fast kernels cannot run in this JVM
 */
public record BackendOptions(int threads, SlowPath slowPath) {
  public BackendOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    Objects.requireNonNull(slowPath, "slowPath");
  }

  /** {@code threads} worker threads; a slow path warns. */
  public BackendOptions(int threads) {
    this(threads, SlowPath.WARN);
  }

  /** One thread per available processor; a slow path warns. */
  public static BackendOptions defaults() {
    return new BackendOptions(Runtime.getRuntime().availableProcessors());
  }

  public BackendOptions withThreads(int threads) {
    return new BackendOptions(threads, slowPath);
  }

  public BackendOptions withSlowPath(SlowPath slowPath) {
    return new BackendOptions(threads, slowPath);
  }
}
