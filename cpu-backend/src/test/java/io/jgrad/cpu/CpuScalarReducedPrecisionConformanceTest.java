package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.conformance.ReducedPrecisionConformanceTest;

class CpuScalarReducedPrecisionConformanceTest extends ReducedPrecisionConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuScalarBackend();
  }
}
