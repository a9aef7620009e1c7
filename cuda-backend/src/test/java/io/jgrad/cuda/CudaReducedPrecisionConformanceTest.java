package io.jgrad.cuda;

import io.jgrad.Backend;
import io.jgrad.conformance.ReducedPrecisionConformanceTest;
import org.junit.jupiter.api.extension.ExtendWith;

/** The 16-bit family on the GPU; each dtype skips while {@link CudaBackend#supports} says no, as where no GPU is. */
@ExtendWith(RequiresGpu.class)
class CudaReducedPrecisionConformanceTest extends ReducedPrecisionConformanceTest {

  @Override
  protected Backend createBackend() {
    return CudaBackend.open(0, false);
  }
}
