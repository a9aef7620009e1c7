package io.jgrad;

/**
 * A backend's memory at one moment.
 *
 * @param liveBytes bytes held by buffers not yet freed
 * @param peakBytes the most live bytes since the backend started or {@link Backend#resetPeak} was called
 * @param cachedBytes bytes freed by users but kept by the backend's pool for reuse
 * @param systemAllocations how many times the backend asked the system (cudaMalloc, new float[]) for memory
 */
public record MemoryStats(long liveBytes, long peakBytes, long cachedBytes, long systemAllocations) {}
