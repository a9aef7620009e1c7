package io.jgrad.cuda;

/**
 * The system allocator under {@link CachingAllocator}: cuMemAlloc/cuMemFree on a GPU, a fake in host tests.
 *
 * @param <P> the device pointer type
 */
interface DeviceMemory<P> {

  /** A new block of {@code bytes}, or null when the device is out of memory (other failures throw). */
  P malloc(long bytes);

  void free(P pointer);
}
