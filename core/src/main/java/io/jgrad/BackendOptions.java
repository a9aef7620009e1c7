package io.jgrad;

/**
 * Settings a backend is created with.
 *
 * @param threads worker threads for CPU kernels (ignored by device backends); at least 1
 */
public record BackendOptions(int threads) {
  public BackendOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  public static BackendOptions defaults() {
    return new BackendOptions(Runtime.getRuntime().availableProcessors());
  }
}
