package io.jgrad.cuda;

import io.jgrad.MemoryStats;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps freed device blocks in per-size-class free lists and hands them out again, so that a training loop, which
 * asks for the same sizes every step, stops calling cuMemAlloc (slow, and synchronising) after its first step.
 *
 * <p>Size classes: at least 512 bytes, powers of two up to 1 MiB, then multiples of 2 MiB — a request is served
 * by any cached block of its class. Bookkeeping: live bytes count what buffers asked for (so that "live bytes =
 * parameters + optimizer state" can be asserted exactly); cached bytes count whole cached blocks.
 *
 * @param <P> the device pointer type
 */
final class CachingAllocator<P> {
  static final long MIN_BLOCK = 512;
  static final long SMALL_LIMIT = 1L << 20;
  static final long LARGE_STEP = 2L << 20;

  /** A device block handed out: its pointer, its size class, and the bytes the caller asked for. */
  record Block<P>(P pointer, long sizeClass, long bytes) {}

  private final DeviceMemory<P> memory;
  private final Map<Long, ArrayDeque<P>> free = new HashMap<>();
  private final Set<Block<P>> live = Collections.newSetFromMap(new IdentityHashMap<>());
  private long liveBytes;
  private long peakBytes;
  private long cachedBytes;
  private long systemAllocations;

  CachingAllocator(DeviceMemory<P> memory) {
    this.memory = memory;
  }

  static long sizeClass(long bytes) {
    if (bytes <= MIN_BLOCK) {
      return MIN_BLOCK;
    }
    if (bytes <= SMALL_LIMIT) {
      return Long.highestOneBit(bytes - 1) << 1;
    }
    return (bytes + LARGE_STEP - 1) / LARGE_STEP * LARGE_STEP;
  }

  synchronized Block<P> allocate(long bytes) {
    long size = sizeClass(bytes);
    ArrayDeque<P> cached = free.get(size);
    P pointer;
    if (cached != null && !cached.isEmpty()) {
      pointer = cached.pop();
      cachedBytes -= size;
    } else {
      pointer = systemMalloc(size);
    }
    Block<P> block = new Block<>(pointer, size, bytes);
    live.add(block);
    liveBytes += bytes;
    peakBytes = Math.max(peakBytes, liveBytes);
    return block;
  }

  /** Returns a block to its free list; the memory stays on the device for the next request of its class. */
  synchronized void release(Block<P> block) {
    if (!live.remove(block)) {
      throw new IllegalArgumentException("buffer already freed");
    }
    liveBytes -= block.bytes();
    free.computeIfAbsent(block.sizeClass(), s -> new ArrayDeque<>()).push(block.pointer());
    cachedBytes += block.sizeClass();
  }

  /**
   * Runs {@code launches} with a block of {@code bytes} as scratch, then releases it. The release does not wait for
   * the kernels: every user of a block launches on the backend's one stream, so the next user is queued behind them.
   */
  void withWorkspace(long bytes, Consumer<P> launches) {
    Block<P> block = allocate(bytes);
    try {
      launches.accept(block.pointer());
    } finally {
      release(block);
    }
  }

  /** Gives every cached block back to the device. */
  synchronized void emptyCache() {
    free.values().forEach(list -> list.forEach(memory::free));
    free.clear();
    cachedBytes = 0;
  }

  /** Frees cached and live blocks alike: the end of the allocator's life. */
  synchronized void releaseAll() {
    live.forEach(block -> memory.free(block.pointer()));
    live.clear();
    liveBytes = 0;
    emptyCache();
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(liveBytes, peakBytes, cachedBytes, systemAllocations);
  }

  synchronized void resetPeak() {
    peakBytes = liveBytes;
  }

  /** On out-of-memory, frees the cache and tries once more before giving up. */
  private P systemMalloc(long size) {
    P pointer = memory.malloc(size);
    if (pointer == null && cachedBytes > 0) {
      emptyCache();
      pointer = memory.malloc(size);
    }
    if (pointer == null) {
      throw new IllegalStateException(
          "out of GPU memory allocating " + size + " bytes (" + liveBytes + " bytes live in jgrad tensors)");
    }
    systemAllocations++;
    return pointer;
  }
}
