package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ChildJvm;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The busy verdict on a fake clock and compilation time, this JVM's compilation time read, and a runtime without
 * java.management (a child JVM started with --limit-modules, running {@link #main}): the kernels' thread team must
 * still work there.
 */
class JitActivityTest {
  private static final long MS = 1_000_000;

  @Test
  void busyWhileAWindowHoldsEnoughCompilation() {
    AtomicLong clock = new AtomicLong(5 * MS);
    AtomicLong compiled = new AtomicLong(100);
    JitActivity jit = new JitActivity(compiled::get, clock::get);
    assertTrue(jit.busy(), "busy until the first window ends");
    clock.addAndGet(JitActivity.WINDOW);
    assertFalse(jit.busy(), "nothing compiled in the first window");
    compiled.addAndGet(JitActivity.BUSY_MILLIS - 1);
    clock.addAndGet(JitActivity.WINDOW / 2);
    assertFalse(jit.busy(), "the window is not over: the last verdict stands");
    clock.addAndGet(JitActivity.WINDOW / 2);
    assertFalse(jit.busy(), "less than the busy share");
    compiled.addAndGet(JitActivity.BUSY_MILLIS);
    clock.addAndGet(JitActivity.WINDOW);
    assertTrue(jit.busy());
    clock.addAndGet(JitActivity.WINDOW);
    assertFalse(jit.busy(), "a window with no compilation");
  }

  @Test
  void readsTheCompilationTimeOnlyWhenAWindowEnds() {
    AtomicLong clock = new AtomicLong(0);
    AtomicLong reads = new AtomicLong();
    JitActivity jit = new JitActivity(() -> {
      reads.incrementAndGet();
      return 7;
    }, clock::get);
    for (int i = 0; i < 100; i++) {
      clock.addAndGet(JitActivity.WINDOW / 100 - 1);
      jit.busy();
    }
    assertEquals(1, reads.get(), "the constructor's read only");
    clock.addAndGet(100);
    jit.busy();
    assertEquals(2, reads.get());
  }

  @Test
  void thisJvmsCompilationTimeIsRead() {
    // By the time the tests run, the JIT has compiled something: a reading of 0 would mean the fallback.
    assertTrue(JitActivity.Management.compilationMillis().getAsLong() > 0);
    assertTrue(JitActivity.ofThisJvm().busy(), "busy until the first window ends");
  }

  @Test
  void aRuntimeWithoutJavaManagementStillRunsTheTeam() throws Exception {
    ChildJvm.Output child = ChildJvm.run(List.of("--limit-modules", "java.base,java.logging,jdk.incubator.vector",
        "--add-modules", "jdk.incubator.vector"), JitActivityTest.class);
    assertEquals("java.management resolved: false, parts run: 3", child.out().strip(), child.err());
  }

  /** Runs a three-thread team once and says whether java.management was there. */
  public static void main(String[] args) {
    AtomicInteger parts = new AtomicInteger();
    try (WorkerTeam team = new WorkerTeam(3)) {
      team.run((part, n) -> parts.incrementAndGet());
    }
    System.out.println("java.management resolved: " + ModuleLayer.boot().findModule("java.management").isPresent()
        + ", parts run: " + parts.get());
  }
}
