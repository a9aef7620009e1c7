package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.MemoryStats;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Java arrays kept for reuse, keyed by (dtype, length): a training step asks for the same sizes every time, so after
 * the first step every allocation is served from here and the garbage collector sees nothing. Synchronized, because
 * two models may train on separate threads over one backend.
 */
final class ArrayPool {
  private record Key(DType dtype, int length) {}

  private final Map<Key, ArrayDeque<Object>> cached = new HashMap<>();
  private long liveBytes;
  private long peakBytes;
  private long cachedBytes;
  private long systemAllocations;

  synchronized CpuBuffer allocate(DType dtype, long length) {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("allocate: length " + length + " is outside [0, 2^31 - 9] for a CPU array");
    }
    int n = (int) length;
    Key key = new Key(dtype, n);
    ArrayDeque<Object> free = cached.get(key);
    Object array;
    if (free != null && !free.isEmpty()) {
      array = free.pop();
      cachedBytes -= length * dtype.bytes();
    } else {
      array = newArray(dtype, n);
      systemAllocations++;
    }
    liveBytes += length * dtype.bytes();
    peakBytes = Math.max(peakBytes, liveBytes);
    return new CpuBuffer(this, dtype, array, n, CpuBuffer.Origin.POOL);
  }

  synchronized void release(CpuBuffer buffer) {
    if (buffer.isFreed()) {
      throw new IllegalArgumentException("free: " + buffer + " was already freed");
    }
    buffer.markFreed(true);
    if (buffer.origin() == CpuBuffer.Origin.CALLER) {
      return; // the caller's array (Backend.wrap): never counted as the pool's, never handed out again
    }
    liveBytes -= buffer.bytes();
    cachedBytes += buffer.bytes();
    cached.computeIfAbsent(new Key(buffer.dtype(), buffer.size()), k -> new ArrayDeque<>()).push(buffer.array());
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(liveBytes, peakBytes, cachedBytes, systemAllocations);
  }

  synchronized void resetPeak() {
    peakBytes = liveBytes;
  }

  /** Drops every cached array; live buffers stay valid until the garbage collector finds them unreachable. */
  synchronized void clear() {
    cached.clear();
    cachedBytes = 0;
  }

  private static Object newArray(DType dtype, int n) {
    switch (dtype) {
      case FLOAT32:
        return new float[n];
      case FLOAT64:
        return new double[n];
      case BFLOAT16:
      case FLOAT16:
        return new short[n];
      default:
        return new int[n];
    }
  }
}
