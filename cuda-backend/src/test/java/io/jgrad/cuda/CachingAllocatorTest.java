package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.MemoryStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping, on a fake device that counts its live bytes and can run out. */
class CachingAllocatorTest {

  /** Hands out numbered blocks; a capacity makes it report out-of-memory like cuMemAlloc. */
  private static final class FakeDevice implements DeviceMemory<Long> {
    final Set<Long> allocated = new HashSet<>();
    long usedBytes;
    long capacity = Long.MAX_VALUE;
    private final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();
    private long next = 1;

    @Override
    public Long malloc(long bytes) {
      if (usedBytes + bytes > capacity) {
        return null;
      }
      long p = next++;
      allocated.add(p);
      sizes.put(p, bytes);
      usedBytes += bytes;
      return p;
    }

    @Override
    public void free(Long pointer) {
      assertTrue(allocated.remove(pointer), "freed a pointer the device did not hand out");
      usedBytes -= sizes.remove(pointer);
    }
  }

  private final FakeDevice device = new FakeDevice();
  private final CachingAllocator<Long> allocator = new CachingAllocator<>(device);

  @Test
  void sizeClassesArePowersOfTwoThenMultiplesOfTwoMebibytes() {
    assertEquals(512, CachingAllocator.sizeClass(0));
    assertEquals(512, CachingAllocator.sizeClass(512));
    assertEquals(1024, CachingAllocator.sizeClass(513));
    assertEquals(1 << 20, CachingAllocator.sizeClass((1 << 20) - 1));
    assertEquals(1 << 20, CachingAllocator.sizeClass(1 << 20));
    assertEquals(2 << 20, CachingAllocator.sizeClass((1 << 20) + 1));
    assertEquals(4 << 20, CachingAllocator.sizeClass((2 << 20) + 1));
  }

  @Test
  void aWorkspaceIsReleasedAfterItsLaunchesEvenWhenTheyThrow() {
    allocator.withWorkspace(1000, p -> assertTrue(device.allocated.contains(p)));
    allocator.withWorkspace(1000, p -> {});
    assertThrows(IllegalStateException.class, () -> allocator.withWorkspace(1000, p -> {
      throw new IllegalStateException("launch failed");
    }));
    assertEquals(new MemoryStats(0, 1000, 1024, 1), allocator.stats()); // one block, reused, none live
  }

  @Test
  void aFreedBlockServesTheNextRequestOfItsClass() {
    CachingAllocator.Block<Long> a = allocator.allocate(1000);
    allocator.release(a);
    assertEquals(new MemoryStats(0, 1000, 1024, 1), allocator.stats());
    CachingAllocator.Block<Long> b = allocator.allocate(900);
    assertSame(a.pointer(), b.pointer());
    assertEquals(new MemoryStats(900, 1000, 0, 1), allocator.stats());
  }

  @Test
  void steadyStateStepsMakeNoSystemAllocations() {
    long[] step = {784 * 512 * 4, 512 * 4, 128 * 512 * 4, 128 * 10 * 4, 128 * 4};
    runStep(step);
    long afterWarmUp = allocator.stats().systemAllocations();
    for (int i = 0; i < 50; i++) {
      runStep(step);
    }
    assertEquals(afterWarmUp, allocator.stats().systemAllocations());
    assertEquals(0, allocator.stats().liveBytes());
  }

  private void runStep(long[] sizes) {
    List<CachingAllocator.Block<Long>> blocks = new ArrayList<>();
    for (long s : sizes) {
      blocks.add(allocator.allocate(s));
    }
    blocks.forEach(allocator::release);
  }

  @Test
  void peakFollowsLiveBytesAndResets() {
    CachingAllocator.Block<Long> a = allocator.allocate(3000);
    CachingAllocator.Block<Long> b = allocator.allocate(5000);
    allocator.release(a);
    assertEquals(5000, allocator.stats().liveBytes());
    assertEquals(8000, allocator.stats().peakBytes());
    allocator.resetPeak();
    assertEquals(5000, allocator.stats().peakBytes());
    allocator.release(b);
  }

  @Test
  void emptyCacheGivesCachedBlocksBackToTheDevice() {
    allocator.release(allocator.allocate(4096));
    CachingAllocator.Block<Long> kept = allocator.allocate(100);
    allocator.emptyCache();
    assertEquals(Set.of(kept.pointer()), device.allocated);
    assertEquals(0, allocator.stats().cachedBytes());
  }

  @Test
  void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
    device.capacity = 4096;
    allocator.release(allocator.allocate(4096));
    CachingAllocator.Block<Long> b = allocator.allocate(2048);  // another class: only fits once the cache is gone
    assertEquals(2048, device.usedBytes);
    allocator.release(b);
    device.capacity = 1024;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> allocator.allocate(1 << 20));
    assertTrue(e.getMessage().contains("out of GPU memory"), e.getMessage());
  }

  @Test
  void aBlockCannotBeReleasedTwice() {
    CachingAllocator.Block<Long> a = allocator.allocate(10);
    allocator.release(a);
    assertThrows(IllegalArgumentException.class, () -> allocator.release(a));
  }

  @Test
  void releaseAllFreesLiveAndCachedBlocks() {
    allocator.allocate(10);
    allocator.release(allocator.allocate(5000));
    allocator.releaseAll();
    assertTrue(device.allocated.isEmpty());
    assertEquals(0, allocator.stats().liveBytes());
    assertEquals(0, allocator.stats().cachedBytes());
  }

  @Test
  void aRecordedGraphKeepsEveryBlockItTouchedUntilItsPoolCloses() {
    CachingAllocator.Block<Long> before = allocator.allocate(1000); // e.g. last step's gradient
    allocator.release(allocator.allocate(4000)); // a cached block of another class
    long systemBefore = allocator.stats().systemAllocations();
    CachingAllocator.Pool<Long> pool = allocator.beginPool();
    CachingAllocator.Block<Long> temp = allocator.allocate(3000); // served from the shared cache: no cuMemAlloc
    assertEquals(systemBefore, allocator.stats().systemAllocations());
    CachingAllocator.Block<Long> kept = allocator.allocate(100); // outlives the recording (a new gradient)
    allocator.release(temp);
    allocator.release(before); // freed while recording: the graph may have read it
    CachingAllocator.Block<Long> reused = allocator.allocate(3000);
    assertSame(temp.pointer(), reused.pointer(), "the recording reuses its own blocks");
    allocator.release(reused);
    allocator.endRecording();

    CachingAllocator.Block<Long> other = allocator.allocate(3000);
    assertTrue(other.pointer() != temp.pointer(), "no request after the recording gets the graph's blocks");
    CachingAllocator.Block<Long> other2 = allocator.allocate(1000);
    assertTrue(other2.pointer() != before.pointer());
    allocator.release(kept); // back to its pool, not to the shared lists
    CachingAllocator.Block<Long> other3 = allocator.allocate(100);
    assertTrue(other3.pointer() != kept.pointer());
    long cached = allocator.stats().cachedBytes();

    allocator.closePool(pool);
    assertEquals(cached, allocator.stats().cachedBytes(), "the pool's free blocks were counted as cached already");
    assertSame(temp.pointer(), allocator.allocate(3000).pointer(), "after closing, its blocks serve anyone");
    List.of(other, other2, other3).forEach(allocator::release);
    allocator.releaseAll();
    assertTrue(device.allocated.isEmpty());
  }

  @Test
  void aBlockAllocatedWhileRecordingAndFreedAfterItsPoolClosedJoinsTheSharedLists() {
    CachingAllocator.Pool<Long> pool = allocator.beginPool();
    CachingAllocator.Block<Long> kept = allocator.allocate(100);
    allocator.endRecording();
    allocator.closePool(pool);
    allocator.release(kept);
    assertSame(kept.pointer(), allocator.allocate(100).pointer());
  }

  @Test
  void releaseAllFreesTheGraphPoolsToo() {
    allocator.beginPool();
    allocator.release(allocator.allocate(5000));
    allocator.endRecording();
    allocator.releaseAll();
    assertTrue(device.allocated.isEmpty());
    assertEquals(0, allocator.stats().cachedBytes());
  }
}
