package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUstream;

/**
 * One {@code extern "C"} kernel of a loaded PTX module, launched on the context's stream with its arguments built
 * in its own {@link KernelArgs}: {@code kernel.args().ptr(x).i64(n).launch(grid)}.
 */
final class Kernel {
  private final String name;
  private final CUfunction function;
  private final CUstream stream;
  private final int sharedBytes;
  private final ArgumentArena.Block block;
  private final KernelArgs args;

  Kernel(String name, CUfunction function, CUstream stream, ArgumentArena.Block block) {
    this(name, function, stream, block, 0);
  }

  private Kernel(String name, CUfunction function, CUstream stream, ArgumentArena.Block block, int sharedBytes) {
    this.name = name;
    this.function = function;
    this.stream = stream;
    this.block = block;
    this.sharedBytes = sharedBytes;
    this.args = new KernelArgs(this, block);
  }

  String name() {
    return name;
  }

  /**
   * This kernel launched with {@code bytes} of dynamic shared memory ({@code extern __shared__}); it shares this
   * kernel's argument block. Beyond 48 KB a block must opt in, so this raises the function's limit
   * (cuFuncSetAttribute); the device's own limit is {@link CudaContext#sharedMemoryPerBlockOptIn}.
   */
  Kernel withDynamicSharedMemory(int bytes) {
    try {
      cuFuncSetAttribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": " + bytes + " bytes of shared memory refused: " + e.getMessage(), e);
    }
    return new Kernel(name, function, stream, block, bytes);
  }

  /** This kernel's argument list, emptied: add the arguments in the kernel's order, then {@link KernelArgs#launch}. */
  KernelArgs args() {
    return args.clear();
  }

  /**
   * Launches asynchronously with the parameter table at {@code params}; an empty grid (no work) launches nothing,
   * as CUDA rejects zero-sized grids.
   */
  void launch(Grid grid, Pointer params) {
    if (grid.isEmpty()) {
      return;
    }
    try {
      cuLaunchKernel(
          function,
          grid.gridX(), grid.gridY(), grid.gridZ(),
          grid.blockX(), grid.blockY(), grid.blockZ(),
          sharedBytes, stream, params, null);
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": launch failed: " + e.getMessage(), e);
    }
  }
}
