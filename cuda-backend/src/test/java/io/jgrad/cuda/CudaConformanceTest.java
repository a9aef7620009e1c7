package io.jgrad.cuda;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.conformance.BackendConformanceTest;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared conformance suite on the GPU, GEMM through cuBLAS where it loads; skips where no device answers. */
@ExtendWith(RequiresGpu.class)
class CudaConformanceTest extends BackendConformanceTest {

  @Override
  protected Backend createBackend() {
    return CudaBackend.open(BackendOptions.defaults());
  }
}
