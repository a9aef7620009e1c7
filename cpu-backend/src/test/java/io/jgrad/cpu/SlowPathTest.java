package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.SlowPath;
import io.jgrad.testing.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No silent slow path: a JVM without jdk.incubator.vector warns once on stderr (and only that: no logging-binding
 * chatter), says so when asked which kernels it runs, stays quiet when told ALLOW and refuses when told REFUSE. The
 * warning is once per JVM, so it is checked in fresh JVMs started without the module; those run {@link #main}.
 */
class SlowPathTest {

  @Test
  void withoutTheVectorModuleTheWarningComesOnceAndNamesTheFlagEveryWay() throws Exception {
    ChildJvm.Output run = runWithoutVectorModule("WARN");
    assertEquals(1, count(run.err(), "WARNING: jgrad's cpu backend runs plain loops"), run.err());
    for (String way : List.of("java --add-modules jdk.incubator.vector", "JDK_JAVA_OPTIONS", ".mvn/jvm.config",
        "<argLine>", "applicationDefaultJvmArgs", "SlowPath.ALLOW")) {
      assertTrue(run.err().contains(way), way + " missing from: " + run.err());
    }
    assertEquals(run.err().strip(), VectorApiNotice.WARNING, "stderr holds the warning and nothing else");
    assertTrue(run.out().startsWith("cpu: plain loops (jdk.incubator.vector is absent"), run.out());
  }

  @Test
  void allowRunsThePlainLoopsWithoutAWord() throws Exception {
    ChildJvm.Output run = runWithoutVectorModule("ALLOW");
    assertEquals("", run.err());
    assertTrue(run.out().startsWith("cpu: plain loops"), run.out());
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

  private static ChildJvm.Output runWithoutVectorModule(String policy) throws Exception {
    return ChildJvm.run(List.of(), SlowPathTest.class, policy);
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
