package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.conformance.BackendConformanceTest;

/** The reference backend against the conformance suite's own float64 computations. */
class CpuScalarConformanceTest extends BackendConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuScalarBackend();
  }
}
