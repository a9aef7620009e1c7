package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.LeakDetection;
import io.jgrad.LeakDetector;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** Closing a tensor returns all the memory it holds, its gradient included. */
class TensorLifetimeTest extends ReferenceBackendTest {

  @Test
  void closingALeafFreesItsGradient() {
    long before = backend.memoryStats().liveBytes();
    Tensor x = Tensor.of(backend, new float[] {1, 2, 3, 4, 5, 6, 7}, 7).requiresGrad(true);
    try (Scope ignored = Scope.open()) {
      x.mul(3.0).sum().backward();
    }
    Tensor grad = x.grad();
    assertNotNull(grad);
    assertEquals(before + 2 * 7 * 4, backend.memoryStats().liveBytes(), "the value and its gradient");
    x.close();
    assertTrue(grad.isClosed(), "the gradient was left open");
    assertEquals(before, backend.memoryStats().liveBytes(), "closing the leaf returned its gradient's memory");
    assertNull(x.grad());
  }

  /**
   * A tensor made outside every scope and dropped without close() is reported once the garbage collector has it,
   * with where it was made; a closed one is not. Under SAMPLED, one tensor in 64 is watched.
   */
  @Test
  void aTensorNeverClosedIsReported() throws InterruptedException {
    try (Backend watched = Backends.create("cpu-scalar", options(LeakDetection.ALL))) {
      LeakDetector leaks = watched.leakDetector();
      Tensor.of(watched, new float[] {1, 2, 3}, 3).close();
      forgetOne(watched);
      for (int i = 0; i < 200 && leaks.leaks() == 0; i++) {
        System.gc();
        Thread.sleep(25);
      }
      assertEquals(1, leaks.leaks(), "the dropped tensor was not reported");
      String report = leaks.reports().get(0);
      assertTrue(report.startsWith("tensor [2,2] float32 on cpu-scalar was garbage-collected without close(); "
          + "created at"), report);
      assertTrue(report.contains("forgetOne"), report);
    }
    try (Backend sampled = Backends.create("cpu-scalar", options(LeakDetection.SAMPLED));
        Backend off = Backends.create("cpu-scalar", options(LeakDetection.OFF))) {
      assertEquals(LeakDetection.SAMPLED, sampled.leakDetector().level());
      assertEquals(LeakDetector.OFF, off.leakDetector());
    }
  }

  private static BackendOptions options(LeakDetection level) {
    return new BackendOptions(1).withLeakDetection(level);
  }

  private static void forgetOne(Backend backend) {
    Tensor.of(backend, new float[] {1, 2, 3, 4}, 2, 2); // never closed, in no scope
  }
}
