package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUstream;

/** One {@code extern "C"} kernel of a loaded PTX module, launched on the context's stream. */
final class Kernel {
  private final String name;
  private final CUfunction function;
  private final CUstream stream;
  private final int sharedBytes;

  Kernel(String name, CUfunction function, CUstream stream) {
    this(name, function, stream, 0);
  }

  private Kernel(String name, CUfunction function, CUstream stream, int sharedBytes) {
    this.name = name;
    this.function = function;
    this.stream = stream;
    this.sharedBytes = sharedBytes;
  }

  /**
   * This kernel launched with {@code bytes} of dynamic shared memory ({@code extern __shared__}). Beyond 48 KB a
   * block must opt in, so this raises the function's limit (cuFuncSetAttribute); the device's own limit is
   * {@link CudaContext#sharedMemoryPerBlockOptIn}.
   */
  Kernel withDynamicSharedMemory(int bytes) {
    try {
      cuFuncSetAttribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": " + bytes + " bytes of shared memory refused: " + e.getMessage(), e);
    }
    return new Kernel(name, function, stream, bytes);
  }

  /** Launches asynchronously; an empty grid (no work) launches nothing, as CUDA rejects zero-sized grids. */
  void launch(Grid grid, KernelArgs args) {
    if (grid.isEmpty()) {
      return;
    }
    try {
      cuLaunchKernel(
          function,
          grid.gridX(), grid.gridY(), grid.gridZ(),
          grid.blockX(), grid.blockY(), grid.blockZ(),
          sharedBytes, stream, args.pointer(), null);
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": launch failed: " + e.getMessage(), e);
    }
  }
}
