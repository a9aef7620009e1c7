package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** One {@code extern "C"} kernel of a loaded PTX module, launched on the context's stream. */
final class Kernel {
  private final String name;
  private final CUfunction function;
  private final CUstream stream;

  Kernel(String name, CUfunction function, CUstream stream) {
    this.name = name;
    this.function = function;
    this.stream = stream;
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
          0, stream, args.pointer(), null);
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": launch failed: " + e.getMessage(), e);
    }
  }
}
