package io.jgrad.cuda;

import io.jgrad.MemoryStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
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
 * <p>Graph pools: while a step is recorded into a CUDA graph ({@link #beginPool}), the graph keeps the addresses of
 * every block the step touched, and a replay writes them again. So every block allocated or freed while recording
 * belongs to the recording's pool: the pool serves the recording's requests (first from its own free blocks, then
 * from the shared lists, then the device) and takes back its blocks whenever they are freed, and no other request
 * gets them until {@link #closePool} returns the free ones to the shared lists.
 *
 * @param <P> the device pointer type
 */
final class CachingAllocator<P> {
  static final long MIN_BLOCK = 512;
  static final long SMALL_LIMIT = 1L << 20;
  static final long LARGE_STEP = 2L << 20;

  /**
   * A device block handed out: its pointer, its size class, the bytes the caller asked for, and the graph pool it
   * goes back to (null: the shared lists).
   */
  record Block<P>(P pointer, long sizeClass, long bytes, Pool<P> pool) {}

  /** The blocks of one recorded graph: free ones kept for it alone until it closes. */
  static final class Pool<P> {
    private final Map<Long, ArrayDeque<P>> free = new HashMap<>();
    private boolean closed;
  }

  private final DeviceMemory<P> memory;
  private final Map<Long, ArrayDeque<P>> free = new HashMap<>();
  private final List<Pool<P>> pools = new ArrayList<>();
  /** The pool of the graph being recorded, or null. */
  private Pool<P> recording;
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
    P pointer = recording == null ? null : take(recording.free, size);
    if (pointer == null) {
      pointer = take(free, size);
    }
    if (pointer == null) {
      pointer = systemMalloc(size);
    }
    Block<P> block = new Block<>(pointer, size, bytes, recording);
    live.add(block);
    liveBytes += bytes;
    peakBytes = Math.max(peakBytes, liveBytes);
    return block;
  }

  private P take(Map<Long, ArrayDeque<P>> lists, long size) {
    ArrayDeque<P> cached = lists.get(size);
    if (cached == null || cached.isEmpty()) {
      return null;
    }
    cachedBytes -= size;
    return cached.pop();
  }

  /**
   * Returns a block to its free list (the recording's pool while recording, else the open pool it was allocated in,
   * else the shared lists); the memory stays on the device for the next request of its class.
   */
  synchronized void release(Block<P> block) {
    if (!live.remove(block)) {
      throw new IllegalArgumentException("buffer already freed");
    }
    liveBytes -= block.bytes();
    Pool<P> pool = recording != null ? recording : block.pool() != null && !block.pool().closed ? block.pool() : null;
    (pool == null ? free : pool.free).computeIfAbsent(block.sizeClass(), s -> new ArrayDeque<>()).push(block.pointer());
    cachedBytes += block.sizeClass();
  }

  /** From now until {@link #endRecording}, blocks allocated or freed belong to a new graph pool. */
  synchronized Pool<P> beginPool() {
    if (recording != null) {
      throw new IllegalStateException("a graph is being recorded already");
    }
    recording = new Pool<>();
    pools.add(recording);
    return recording;
  }

  synchronized void endRecording() {
    recording = null;
  }

  /** The graph is gone: its free blocks join the shared lists, and its live ones will when freed. */
  synchronized void closePool(Pool<P> pool) {
    if (pool.closed) {
      return;
    }
    if (pool == recording) {
      recording = null;
    }
    pool.closed = true;
    pools.remove(pool);
    pool.free.forEach((size, list) -> free.computeIfAbsent(size, s -> new ArrayDeque<>()).addAll(list));
    pool.free.clear();
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

  /** Frees cached and live blocks alike, the graph pools' too: the end of the allocator's life. */
  synchronized void releaseAll() {
    List.copyOf(pools).forEach(this::closePool);
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
    P pointer = recording == null ? memory.malloc(size) : memory.mallocWhileRecording(size);
    if (pointer == null && cachedBytes > 0 && recording == null) { // freeing would end a recording
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
