package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.spi.BackendProvider;
import io.jgrad.Backends;
import org.junit.jupiter.api.Test;

/** The provider's contract: found by ServiceLoader, and on a machine without a GPU a one-line reason, no throw. */
class CudaProviderTest {

  @Test
  void isFoundOnTheClassPathAsCuda() {
    BackendProvider cuda =
        Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
    assertEquals(100, cuda.priority());
  }

  @Test
  void withoutAGpuCreatingCudaIsAOneLineError() {
    String reason = new CudaProvider().unavailableReason();
    assumeTrue(reason != null, "a CUDA device answers here: this test is for machines without one");
    assertFalse(reason.contains("\n"), reason);
    assertTrue(reason.startsWith("no CUDA"), reason);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("cuda"));
    assertEquals("backend cuda is not available: " + reason, e.getMessage());
  }

  @Test
  void askingTwiceGivesTheSameAnswer() {
    CudaProvider provider = new CudaProvider();
    assertEquals(provider.unavailableReason(), provider.unavailableReason());
  }
}
