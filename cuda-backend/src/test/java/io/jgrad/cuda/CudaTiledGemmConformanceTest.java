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

  /**
   * sgemm_tiled's tile edges (64) and K step (16), on both sides; then products that
   * TiledGemm splits along K on an H100: an MLP layer at batch 128 (sgemm_tiled, 9 chunks) and one wide enough for
   * sgemm_large (2 chunks, the second row tile one row deep).
   */
  @Override
  protected int[][] edgeGemmShapes() {
    return new int[][] {{64, 64, 16}, {65, 63, 17}, {1, 129, 15}, {128, 1, 33}, {128, 512, 784}, {129, 4100, 200}};
  }
}
