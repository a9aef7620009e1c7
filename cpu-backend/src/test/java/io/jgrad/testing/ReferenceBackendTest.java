package io.jgrad.testing;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.nn.Module;
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

  /** A copy of every parameter's values, in {@link Module#parameters()} order: for comparing two runs bit for bit. */
  public static float[][] weights(Module model) {
    return model.parameters().stream().map(p -> p.value().toFloatArray()).toArray(float[][]::new);
  }
}
