package io.jgrad.cuda;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import jcuda.driver.CUdeviceptr;

/** A {@link Buffer} in device memory: a block of the owning backend's caching allocator. */
final class CudaBuffer extends Buffer {
  private final CudaBackend owner;
  private CachingAllocator.Block<CUdeviceptr> block;

  CudaBuffer(CudaBackend owner, DType dtype, long length, CachingAllocator.Block<CUdeviceptr> block) {
    super(dtype, length);
    this.owner = owner;
    this.block = block;
  }

  boolean ownedBy(CudaBackend backend) {
    return owner == backend;
  }

  /** The device address of element 0. */
  CUdeviceptr pointer() {
    if (block == null) {
      throw new IllegalArgumentException("buffer used after free");
    }
    return block.pointer();
  }

  /** The device address of element {@code index}. */
  CUdeviceptr at(long index) {
    return pointer().withByteOffset(index * dtype().bytes());
  }

  /** Hands the block back (once); the buffer is unusable afterwards. */
  CachingAllocator.Block<CUdeviceptr> detach() {
    CachingAllocator.Block<CUdeviceptr> b = block;
    if (b == null) {
      throw new IllegalArgumentException("buffer freed twice");
    }
    block = null;
    return b;
  }
}
