package io.jgrad.examples;

import java.util.Locale;

/**
 * The one line an {@link OutOfMemoryError} becomes: what ran out, how much the JVM may use, and the two ways out (give
 * the JVM more, or ask for less). Built from the command line and the error alone, since the heap is exhausted.
 */
final class OutOfMemory {
  private OutOfMemory() {}

  static String explain(OutOfMemoryError e, String... args) {
    String command = args.length > 0 && !args[0].startsWith("-") ? "jgrad " + args[0] : "jgrad";
    String what = e.getMessage() == null ? "Java heap space" : e.getMessage();
    return command + ": out of memory (" + what + ") with a heap limit of " + gib(Runtime.getRuntime().maxMemory())
        + ": give the JVM more with JGRAD_JAVA_OPTS=-Xmx<size> (e.g. -Xmx8g), or ask for less (--hidden, --batch, "
        + "--threads, a smaller data set or checkpoint)";
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
