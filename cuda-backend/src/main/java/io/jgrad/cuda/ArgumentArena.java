package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Page-locked host memory cut into {@link KernelArgs#BYTES}-byte blocks, one per kernel, handed out as kernels are
 * looked up (when the launchers are built, before any graph is recorded) and freed with the context. A block's
 * address is known once, so a launch passes the driver one fixed pointer instead of arrays JCuda would copy.
 */
final class ArgumentArena implements AutoCloseable {
  /** Blocks per allocation: the backend looks up at most 69 kernels (every entry of its PTX). */
  static final int BLOCKS_PER_CHUNK = 16;

  private final List<Pointer> chunks = new ArrayList<>();
  private Pointer chunk;
  private ByteBuffer chunkBytes;
  private int used = BLOCKS_PER_CHUNK;

  ArgumentArena() {
    if (!DeviceAddress.available()) {
      throw new IllegalStateException("CUDA backend: JCuda's pointer addresses cannot be read (reflection on "
          + "jcuda.NativePointerObject refused); put the jcuda jar on the class path or open its package jcuda");
    }
  }

  /** A fresh block for one kernel's arguments. */
  Block block() {
    if (used == BLOCKS_PER_CHUNK) {
      chunk = new Pointer();
      cuMemAllocHost(chunk, (long) BLOCKS_PER_CHUNK * KernelArgs.BYTES);
      chunks.add(chunk);
      chunkBytes = chunk.getByteBuffer(0, (long) BLOCKS_PER_CHUNK * KernelArgs.BYTES);
      used = 0;
    }
    int offset = used++ * KernelArgs.BYTES;
    return new Block(
        chunkBytes.slice(offset, KernelArgs.BYTES).order(ByteOrder.nativeOrder()),
        DeviceAddress.of(chunk) + offset,
        chunk.withByteOffset(offset));
  }

  @Override
  public void close() {
    chunks.forEach(c -> cuMemFreeHost(c));
    chunks.clear();
  }

  /**
   * One kernel's argument memory: {@code bytes} over it (native byte order), its {@code address}, and
   * {@code pointer}, the JCuda pointer to it that a launch passes as kernelParams.
   */
  record Block(ByteBuffer bytes, long address, Pointer pointer) {}
}
