package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.conformance.BackendConformanceTest;

/**
 * The SIMD backend on two threads, with GEMM shapes that cross every edge of its blocking (MR, NR, KC, MC, NC) on
 * each of its paths: one thread (below 4M multiply-adds; 9×1030×300 over four column blocks), A and B packed whole
 * and blocks of C shared out (tall, 385×200×300, 530×520×260; wide C with an A too long to share, 60×300×2500; spans
 * of a product too large to pack whole: VectorGemmTest), wide C over a shared A (130×333×700: ragged everywhere;
 * 97×600×1025: two K blocks); and k = 0, where beta = 0 must still zero C since no K block stores into it.
 */
class CpuConformanceTest extends BackendConformanceTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(BackendOptions.defaults().withThreads(2));
  }

  @Override
  protected int[][] edgeGemmShapes() {
    return new int[][] {
      {1023, 5, 3}, {97, 600, 1025}, {6, 32, 256}, {193, 33, 513}, {385, 200, 300}, {700, 530, 40}, {300, 1030, 20},
      {130, 333, 700}, {60, 300, 2500}, {33, 17, 0}, {9, 1030, 300}, {530, 520, 260}
    };
  }
}
