package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.conformance.ReducedPrecisionConformanceTest;

/** The SIMD backend's 16-bit kernels on two threads, with the GEMM shapes that cross its blocking's edges. */
class CpuReducedPrecisionConformanceTest extends ReducedPrecisionConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(new BackendOptions(2));
  }

  @Override
  protected int[][] edgeGemmShapes() {
    return new int[][] {{1023, 5, 3}, {97, 600, 1025}, {193, 33, 513}, {385, 200, 300}, {130, 333, 700}, {33, 17, 0}};
  }
}
