package io.jgrad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test class's {@code main} run in a JVM of its own, for what one JVM fixes at its start: its collector, the modules
 * it resolves, its JIT (interpreted only, compiler directives). Same java and class path as the test's JVM; the
 * child must exit 0 within the limit (its standard error is the failure's message).
 */
public final class ChildJvm {
  /** What the child printed. */
  public record Output(String out, String err) {}

  private ChildJvm() {}

  /** Runs {@code main.main(args)} under {@code jvmOptions} (before the class path), within 60 s. */
  public static Output run(List<String> jvmOptions, Class<?> main, String... args) throws Exception {
    return run(Duration.ofSeconds(60), jvmOptions, main, args);
  }

  /** {@link #run(List, Class, String...)} within {@code limit}. */
  public static Output run(Duration limit, List<String> jvmOptions, Class<?> main, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(limit.toSeconds(), TimeUnit.SECONDS), "the child JVM did not finish");
    assertEquals(0, p.exitValue(), err);
    return new Output(out, err);
  }
}
