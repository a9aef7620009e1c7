package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** Memory scopes: what they free, what they keep, and graphs that nobody backpropagates. */
class ScopeTest extends ReferenceBackendTest {
  @Test
  void closesWhatWasCreatedInsideExceptWhatIsKept() {
    long before = backend.memoryStats().liveBytes();
    Tensor kept;
    Tensor dropped;
    try (Scope scope = Scope.open()) {
      dropped = Tensor.ones(backend, 4, 4);
      kept = scope.keep(dropped.mul(2));
    }
    assertTrue(dropped.isClosed());
    assertFalse(kept.isClosed());
    assertEquals(before + kept.bytes(), backend.memoryStats().liveBytes());
    kept.close();
    assertEquals(before, backend.memoryStats().liveBytes());
  }

  @Test
  void aForwardNeverBackpropagatedFreesItsSavedActivations() {
    Tensor w = Tensor.ones(backend, 8, 8).requiresGrad(true);
    long before = backend.memoryStats().liveBytes();
    long saved = ActivationMemory.currentBytes();
    try (Scope ignored = Scope.open()) {
      Tensor x = Tensor.ones(backend, 4, 8);
      x.matmul(w).tanh().sum(); // records a graph; no backward
      assertTrue(ActivationMemory.currentBytes() > saved);
    }
    assertEquals(saved, ActivationMemory.currentBytes());
    assertEquals(before, backend.memoryStats().liveBytes());
  }

  @Test
  void aKeptResultKeepsTheGraphItNeedsForBackward() {
    Tensor w = Tensor.of(backend, new float[] {2f}, 1).requiresGrad(true);
    Tensor loss;
    try (Scope scope = Scope.open()) {
      Tensor h = w.mul(3).exp(); // h's graph is needed by loss
      loss = scope.keep(h.mul(w).sum());
    }
    loss.backward();
    // d/dw [w·exp(3w)] = exp(3w)·(1 + 3w)
    assertArrayEquals(new float[] {(float) (Math.exp(6) * 7)}, w.grad().toFloatArray(), 1e-2f);
  }
}
