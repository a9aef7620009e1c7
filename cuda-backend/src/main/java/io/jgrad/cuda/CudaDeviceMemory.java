package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuThreadExchangeStreamCaptureMode;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstreamCaptureMode;

/** cuMemAlloc and cuMemFree in the current context: the system allocator under the caching allocator. */
final class CudaDeviceMemory implements DeviceMemory<CUdeviceptr> {

  @Override
  public CUdeviceptr malloc(long bytes) {
    CUdeviceptr pointer = new CUdeviceptr();
    try {
      cuMemAlloc(pointer, bytes);
      return pointer;
    } catch (CudaException e) {
      if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
        return null;
      }
      throw e;
    }
  }

  /** cuMemAlloc in the relaxed capture mode, which lets it run while this thread records a graph. */
  @Override
  public CUdeviceptr mallocWhileRecording(long bytes) {
    int[] mode = {CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED};
    cuThreadExchangeStreamCaptureMode(mode);
    try {
      return malloc(bytes);
    } finally {
      cuThreadExchangeStreamCaptureMode(mode);
    }
  }

  @Override
  public void free(CUdeviceptr pointer) {
    cuMemFree(pointer);
  }
}
