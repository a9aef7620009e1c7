package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.MemoryCapacity;
import io.jgrad.MemoryCapacity.Where;
import org.junit.jupiter.api.Test;

/** The pre-flight estimate of {@code train} against what a backend says it can hold. */
class MemoryPlanTest {
  private static final long MIB = 1L << 20;

  /**
   * 784 inputs, hidden 128, 10 classes, batch 65,536, Adam: 0.8 MiB each of weights, gradients and moments,
   * 1.13 GiB of activations.
   */
  private static final MemoryPlan SMALL_MLP = MemoryPlan.of(784, new int[] {128}, 10, 65_536, "adam", 0.9);

  @Test
  void aDeviceTooSmallForTheActivationsIsRefusedNamingBatchAndTheDevicesFreeMemory() {
    MemoryCapacity device = new MemoryCapacity(Where.DEVICE, 1024 * MIB, 80 * 1024 * MIB);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SMALL_MLP.checkFits(device, new int[] {128}, 65_536));
    assertEquals("--batch 65536 needs about 1.13 GiB (parameters and gradients 0.00 GiB, optimizer state 0.00 GiB,"
        + " activations 1.13 GiB) but the device has 1.00 GiB free of 80.00 GiB: ask for less", e.getMessage());
  }

  @Test
  void aDeviceTooSmallForTheParametersIsRefusedNamingHidden() {
    MemoryPlan wide = MemoryPlan.of(784, new int[] {30_000, 30_000}, 10, 64, "adam", 0.9);
    MemoryCapacity device = new MemoryCapacity(Where.DEVICE, 2048 * MIB, 4096 * MIB);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> wide.checkFits(device, new int[] {30_000, 30_000}, 64));
    assertEquals("--hidden 30000,30000 needs about 13.84 GiB (parameters and gradients 6.88 GiB, optimizer state"
        + " 6.88 GiB, activations 0.07 GiB) but the device has 2.00 GiB free of 4.00 GiB: ask for less",
        e.getMessage());
  }

  @Test
  void aSmallHeapNamesTheFlagThatRaisesIt() {
    MemoryCapacity heap = new MemoryCapacity(Where.JAVA_HEAP, MIB, 32 * MIB);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SMALL_MLP.checkFits(heap, new int[] {128}, 65_536));
    assertEquals(1, e.getMessage().lines().count());
    assertTrue(e.getMessage().endsWith(
        "but the Java heap has 0.00 GiB free: ask for less, or raise the limit with JGRAD_JAVA_OPTS=-Xmx<size>"),
        e.getMessage());
  }

  @Test
  void aRunThatFitsPasses() {
    SMALL_MLP.checkFits(new MemoryCapacity(Where.DEVICE, 1200 * MIB, 1200 * MIB), new int[] {128}, 65_536);
  }

  /** The CPU backends hold tensors in Java arrays: their capacity is the heap's, as the estimate always used. */
  @Test
  void theCpuBackendsReportTheJavaHeap() {
    for (String name : new String[] {"cpu", "cpu-scalar"}) {
      try (Backend backend = Backends.create(name)) {
        MemoryCapacity capacity = backend.memoryCapacity();
        assertEquals(Where.JAVA_HEAP, capacity.where(), name);
        assertEquals(Runtime.getRuntime().maxMemory(), capacity.totalBytes(), name);
      }
    }
  }
}
