package io.jgrad.testing;

import io.jgrad.Backend;
import io.jgrad.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of core's behavioural tests: they run on the plain-loop {@code cpu-scalar} backend, the reference every other
 * backend is compared with (float64 included, which gradient checks need). One backend per test class.
 */
public abstract class ReferenceBackendTest {
  protected static Backend backend;

  @BeforeAll
  static void openReferenceBackend() {
    backend = Backends.create("cpu-scalar");
  }

  @AfterAll
  static void closeReferenceBackend() {
    backend.close();
  }
}
