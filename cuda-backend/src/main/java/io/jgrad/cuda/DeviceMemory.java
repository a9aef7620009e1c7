package io.jgrad.cuda;

/**
 * The system allocator under {@link CachingAllocator}: cuMemAlloc/cuMemFree on a GPU, a fake in host tests.
 *
 * @param <P> the device pointer type
 */
interface DeviceMemory<P> {

  /** A new block of {@code bytes}, or null when the device is out of memory (other failures throw). */
  P malloc(long bytes);

  /**
   * {@link #malloc} while a graph is being recorded on this thread: CUDA counts cuMemAlloc as unsafe during stream
   * capture, and the block is the graph's for its whole life, which is what makes it safe.
   */
  default P mallocWhileRecording(long bytes) {
    return malloc(bytes);
  }

  void free(P pointer);
}
