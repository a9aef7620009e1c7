package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Host↔device transfers through one page-locked (pinned) staging buffer: DMA runs at full PCIe speed from pinned
 * memory, and a Java array cannot be pinned for long. Arrays larger than the buffer go through in chunks. Elements
 * are 4 bytes wide (float32, int32) unless a call says 2 (bf16, fp16).
 */
final class PinnedStaging implements AutoCloseable {
  /** Elements per chunk (16 MiB of 4-byte elements). */
  static final int CHUNK = 4 << 20;

  /** Copies elements [from, from + count) between a Java array and the staging buffer. */
  @FunctionalInterface
  interface ChunkCopy {
    void copy(ByteBuffer staging, int from, int count);
  }

  private final CUstream stream;
  private Pointer host;

  PinnedStaging(CUstream stream) {
    this.stream = stream;
  }

  /** Fills the staging buffer chunk by chunk and copies each chunk to dst (4-byte elements). */
  void toDevice(CUdeviceptr dst, int elements, ChunkCopy fill) {
    toDevice(dst, elements, 4, fill);
  }

  void toDevice(CUdeviceptr dst, int elements, int elementBytes, ChunkCopy fill) {
    for (int from = 0; from < elements; from += CHUNK) {
      int count = Math.min(CHUNK, elements - from);
      fill.copy(view(count, elementBytes), from, count);
      cuMemcpyHtoDAsync(dst.withByteOffset((long) elementBytes * from), host(), (long) elementBytes * count, stream);
      cuStreamSynchronize(stream);  // the staging buffer is reused by the next chunk
    }
  }

  /** Copies src chunk by chunk into the staging buffer and drains each chunk into the Java array (4-byte elements). */
  void toHost(CUdeviceptr src, int elements, ChunkCopy drain) {
    toHost(src, elements, 4, drain);
  }

  void toHost(CUdeviceptr src, int elements, int elementBytes, ChunkCopy drain) {
    for (int from = 0; from < elements; from += CHUNK) {
      int count = Math.min(CHUNK, elements - from);
      cuMemcpyDtoHAsync(host(), src.withByteOffset((long) elementBytes * from), (long) elementBytes * count, stream);
      cuStreamSynchronize(stream);
      drain.copy(view(count, elementBytes), from, count);
    }
  }

  private ByteBuffer view(int count, int elementBytes) {
    return host().getByteBuffer(0, (long) elementBytes * count).order(ByteOrder.nativeOrder());
  }

  /** Allocated on first use, so a backend that never transfers pins nothing. */
  private Pointer host() {
    if (host == null) {
      Pointer p = new Pointer();
      cuMemAllocHost(p, 4L * CHUNK);
      host = p;
    }
    return host;
  }

  @Override
  public void close() {
    if (host != null) {
      cuMemFreeHost(host);
      host = null;
    }
  }
}
