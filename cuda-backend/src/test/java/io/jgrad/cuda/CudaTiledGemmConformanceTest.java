package io.jgrad.cuda;

import io.jgrad.Backend;
import io.jgrad.conformance.BackendConformanceTest;
import org.junit.jupiter.api.extension.ExtendWith;

/** The conformance suite again with GEMM on the tiled PTX kernel, the path of machines without cuBLAS 12. */
@ExtendWith(RequiresGpu.class)
class CudaTiledGemmConformanceTest extends BackendConformanceTest {

  @Override
  protected Backend createBackend() {
    return CudaBackend.open(0, false, false);
  }

  /** The tile edges (64) and the K step (16), on both sides, beside the suite's shapes. */
  @Override
  protected int[][] gemmShapes() {
    return new int[][] {{64, 64, 16}, {65, 63, 17}, {1, 129, 15}, {128, 1, 33}};
  }
}
