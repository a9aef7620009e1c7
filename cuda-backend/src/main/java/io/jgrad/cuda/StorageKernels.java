package io.jgrad.cuda;

import java.util.EnumMap;
import java.util.Map;

/**
 * One kernel in its three storage variants, as half.cuh's FOR_EACH_STORAGE emits them: {@code name} (float32),
 * {@code name_bf16} and {@code name_f16}; a launcher picks the one of its buffers' dtype.
 */
final class StorageKernels {
  private final Map<Storage, Kernel> kernels = new EnumMap<>(Storage.class);

  StorageKernels(CudaContext context, PtxModule module, String name) {
    for (Storage s : Storage.values()) {
      kernels.put(s, context.kernel(module, name + s.suffix()));
    }
  }

  /** The variant for a buffer's dtype, which every other floating operand of the call must share. */
  Kernel of(String kernel, CudaBuffer buffer) {
    return kernels.get(Storage.of(kernel, "a floating operand", buffer.dtype()));
  }
}
