package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.conformance.BackendConformanceTest;

/** The SIMD backend on two threads, with GEMM shapes that cross every edge of its blocking (MR, NR, KC, MC, NC). */
class CpuConformanceTest extends BackendConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(new BackendOptions(2));
  }

  @Override
  protected int[][] gemmShapes() {
    int[][] common = super.gemmShapes();
    int[][] edges = {{1023, 5, 3}, {97, 600, 257}, {6, 32, 256}, {193, 33, 513}};
    int[][] all = java.util.Arrays.copyOf(common, common.length + edges.length);
    System.arraycopy(edges, 0, all, common.length, edges.length);
    return all;
  }
}
