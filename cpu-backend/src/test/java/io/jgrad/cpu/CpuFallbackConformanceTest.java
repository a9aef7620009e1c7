package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.SlowPath;
import io.jgrad.conformance.BackendConformanceTest;

/** The cpu backend as it runs where jdk.incubator.vector is absent: every kernel on the reference loops. */
class CpuFallbackConformanceTest extends BackendConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(BackendOptions.defaults().withThreads(1).withSlowPath(SlowPath.ALLOW), false);
  }
}
