package io.jgrad.cpu;

import io.jgrad.SlowPath;

/**
 * What the cpu backend says when the JVM lacks jdk.incubator.vector and it must run plain loops: with {@link
 * SlowPath#WARN} a warning on stderr, once per JVM (an application's log setup is not needed to see it, and a library
 * that silently runs 4–14× slower costs its users days); with {@link SlowPath#REFUSE} the message of the error.
 */
final class VectorApiNotice {
  static final String FLAG = "--add-modules jdk.incubator.vector";

  static final String WARNING = String.join(System.lineSeparator(),
      "WARNING: jgrad's cpu backend runs plain loops, 4-14x slower: this JVM was started without " + FLAG + ".",
      "  Pass that JVM option:  java " + FLAG + " -cp ... your.Main",
      "    any java launch:     export JDK_JAVA_OPTIONS=\"" + FLAG + "\"",
      "    Maven exec:java:     a line '" + FLAG + "' in .mvn/jvm.config; tests: <argLine>" + FLAG + "</argLine>",
      "    Gradle:              application { applicationDefaultJvmArgs = ['--add-modules', 'jdk.incubator.vector'] }"
          + " and tasks.withType(Test) { jvmArgs '--add-modules', 'jdk.incubator.vector' }",
      "  BackendOptions.defaults().withSlowPath(SlowPath.ALLOW) hides this warning; SlowPath.REFUSE makes it an error.");

  static final String REFUSAL = "the cpu backend's SIMD kernels need the JVM option " + FLAG
      + " (SlowPath.REFUSE forbids the plain-loop fallback)";

  private VectorApiNotice() {}

  /** Acts on the absence of jdk.incubator.vector as {@code slowPath} says. */
  static void absent(SlowPath slowPath) {
    switch (slowPath) {
      case WARN -> Once.print();
      case ALLOW -> { }
      case REFUSE -> throw new IllegalStateException(REFUSAL);
    }
  }

  /** A class initialiser runs once per JVM (per class loader), so the warning needs no mutable static flag. */
  private static final class Once {
    static {
      System.err.println(WARNING);
    }

    private Once() {}

    static void print() {}
  }
}
