package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.SlowPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No silent slow path: a JVM without jdk.incubator.vector warns once on stderr (and only that: no logging-binding
 * chatter), says so when asked which kernels it runs, stays quiet when told ALLOW and refuses when told REFUSE. The
 * warning is once per JVM, so it is checked in fresh JVMs started without the module; those run {@link #main}.
 */
class SlowPathTest {

  @Test
  void withoutTheVectorModuleTheWarningComesOnceAndNamesTheFlagEveryWay() throws Exception {
    Run run = runWithoutVectorModule("WARN");
    assertEquals(1, count(run.err, "WARNING: jgrad's cpu backend runs plain loops"), run.err);
    for (String way : List.of("java --add-modules jdk.incubator.vector", "JDK_JAVA_OPTIONS", ".mvn/jvm.config",
        "<argLine>", "applicationDefaultJvmArgs", "SlowPath.ALLOW")) {
      assertTrue(run.err.contains(way), way + " missing from: " + run.err);
    }
    assertEquals(run.err.strip(), VectorApiNotice.WARNING, "stderr holds the warning and nothing else");
    assertTrue(run.out.startsWith("cpu: plain loops (jdk.incubator.vector is absent"), run.out);
  }

  @Test
  void allowRunsThePlainLoopsWithoutAWord() throws Exception {
    Run run = runWithoutVectorModule("ALLOW");
    assertEquals("", run.err);
    assertTrue(run.out.startsWith("cpu: plain loops"), run.out);
  }

  @Test
  void refuseIsAnErrorNamingTheFlag() {
    BackendOptions refuse = new BackendOptions(1).withSlowPath(SlowPath.REFUSE);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CpuBackend(refuse, false));
    assertEquals("the cpu backend's SIMD kernels need the JVM option --add-modules jdk.incubator.vector "
        + "(SlowPath.REFUSE forbids the plain-loop fallback)", e.getMessage());
  }

  @Test
  void withTheModuleTheCpuBackendSaysItRunsSimd() {
    // The tests run with --add-modules jdk.incubator.vector (the parent POM's argLine).
    try (Backend cpu = Backends.create("cpu", new BackendOptions(2).withSlowPath(SlowPath.REFUSE))) {
      assertTrue(cpu.describe().matches("cpu: SIMD kernels \\(jdk.incubator.vector, \\d+-bit float vectors, 2 threads"
          + "\\) for float32, bf16 and fp16 \\(widened to float32\\); float64 on plain loops"), cpu.describe());
    }
    try (Backend scalar = Backends.create("cpu-scalar")) {
      assertFalse(scalar.describe().contains("SIMD"), scalar.describe());
    }
  }

  /** Creates "cpu" twice with the slow-path policy named in args[0] and prints what it runs. */
  public static void main(String[] args) {
    BackendOptions options = new BackendOptions(1).withSlowPath(SlowPath.valueOf(args[0]));
    for (int i = 0; i < 2; i++) {
      try (Backend cpu = Backends.create("cpu", options)) {
        System.out.println(cpu.describe());
      }
    }
  }

  private record Run(String out, String err) {}

  private static Run runWithoutVectorModule(String policy) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        SlowPathTest.class.getName(), policy));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
    assertEquals(0, p.exitValue(), new String(err, StandardCharsets.UTF_8));
    return new Run(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
