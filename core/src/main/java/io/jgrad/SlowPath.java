package io.jgrad;

/**
 * What a backend does when the fast kernels it is built around cannot run in this JVM — today, the cpu backend
 * started without {@code jdk.incubator.vector}, where every kernel runs plain loops 4–14× slower. Set it with {@link
 * BackendOptions#withSlowPath}.
 */
public enum SlowPath {
  /** Run the slow kernels, after one warning on stderr per JVM that names the missing JVM option (the default). */
  WARN,
  /** Run the slow kernels without a word: the caller chose them (a test of the fallback, a tiny model). */
  ALLOW,
  /** Refuse: creating the backend throws {@link IllegalStateException} naming the missing JVM option. */
  REFUSE
}
