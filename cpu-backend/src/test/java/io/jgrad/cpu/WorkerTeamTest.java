package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {

  @Test
  void everyPartRunsOncePerRun() {
    try (WorkerTeam team = new WorkerTeam(3)) {
      AtomicInteger sum = new AtomicInteger();
      for (int i = 0; i < 100; i++) {
        team.run((part, parts) -> sum.addAndGet(part + 1));
      }
      assertEquals(100 * (1 + 2 + 3), sum.get());
    }
  }

  /** A part that fails before the barrier must not leave the others waiting there forever. */
  @Test
  void aFailingPartReleasesTheBarrierAndTheTeamStaysUsable() {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (WorkerTeam team = new WorkerTeam(2)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> team.run((part, parts) -> {
          if (part == 1) {
            throw new IllegalArgumentException("part 1 broke");
          }
          team.await();
        }));
        assertEquals("part 1 broke", e.getMessage());
        assertThrows(IllegalStateException.class, () -> team.run((part, parts) -> {
          if (part == 0) {
            throw new IllegalStateException("the caller's part broke");
          }
          team.await();
        }));
        AtomicInteger passed = new AtomicInteger();
        team.run((part, parts) -> {
          team.await();
          passed.incrementAndGet();
        });
        assertEquals(2, passed.get());
      }
    });
  }

  /** Task.run declares nothing, but a checked exception can still be thrown past the compiler: it must surface. */
  @Test
  void aCheckedExceptionFromAWorkerIsReportedNotDropped() {
    try (WorkerTeam team = new WorkerTeam(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run((part, parts) -> {
        if (part == 1) {
          WorkerTeamTest.<RuntimeException>sneakyThrow(new java.io.IOException("disk gone"));
        }
      }));
      assertEquals("disk gone", e.getCause().getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
