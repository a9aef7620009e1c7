package io.jgrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.examples.JitDirectives;
import io.jgrad.testing.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code jgrad bench} opens a CPU backend as {@code jgrad train} does: with C2 kept for the kernels. */
class BenchBackendChoiceTest {

  @Test
  void aCpuBackendAsksForTheJitDirectives() throws Exception {
    assertEquals("asked", ChildJvm.run(List.of(), OpenCpu.class).out().strip());
  }

  /** In a JVM of its own: opens the cpu backend through bench's options, then asks for the directives itself. */
  public static final class OpenCpu {
    public static void main(String[] args) {
      BenchCommand.BackendChoice choice = new BenchCommand.BackendChoice();
      choice.name = "cpu";
      choice.open().close();
      // installInBackground starts its thread for the first caller only.
      System.out.println(JitDirectives.installInBackground() == null ? "asked" : "not asked");
    }
  }
}
