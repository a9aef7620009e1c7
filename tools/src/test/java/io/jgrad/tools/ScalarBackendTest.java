package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Backends;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tools' training tests share: one cpu-scalar backend per test class (deterministic, so runs compare exactly)
 * and a fresh directory per test for the files they write.
 */
abstract class ScalarBackendTest {
  static Backend backend;

  @TempDir Path dir;

  @BeforeAll
  static void openBackend() {
    backend = Backends.create("cpu-scalar");
  }

  @AfterAll
  static void closeBackend() {
    backend.close();
  }
}
