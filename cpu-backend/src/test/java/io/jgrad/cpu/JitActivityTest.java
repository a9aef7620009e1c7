package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

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
  void thisJvmsCompilerIsReadWithoutFailing() {
    JitActivity jit = JitActivity.ofThisJvm();
    assertTrue(jit.busy(), "busy until the first window ends");
  }
}
