package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.MemoryCapacity;
import io.jgrad.MemoryCapacity.Where;
import io.jgrad.examples.OptimizerChoice.Kind;
import io.jgrad.nn.Module;
import io.jgrad.tools.CnnSpec;
import org.junit.jupiter.api.Test;

/** The pre-flight estimate of {@code train} against what a backend says it can hold. */
class MemoryPlanTest {
  private static final long MIB = 1L << 20;

  /**
   * 784 inputs, hidden 128, 10 classes, batch 65,536, Adam: 0.8 MiB each of weights, gradients and moments,
   * 1.13 GiB of activations.
   */
  private static final MemoryPlan SMALL_MLP = MemoryPlan.of(784, new int[] {128}, 10, 65_536, Kind.ADAM, 0.9);

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
    MemoryPlan wide = MemoryPlan.of(784, new int[] {30_000, 30_000}, 10, 64, Kind.ADAM, 0.9);
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

  /** Fashion-MNIST's CNN: 0.42 M parameters, about 0.10 M floats of activations per example. */
  private static final CnnSpec FASHION_CNN = new CnnSpec(new int[] {1, 28, 28}, 0.25, 10);

  @Test
  void aCnnAtAHugeBatchIsRefusedNamingBatchNotHidden() {
    MemoryCapacity device = new MemoryCapacity(Where.DEVICE, 1024 * MIB, 80 * 1024 * MIB);
    MemoryPlan plan = MemoryPlan.of(FASHION_CNN, 65_536, Kind.ADAM, 0.9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.checkFits(device, 65_536));
    assertEquals("--batch 65536 needs about 46.52 GiB (parameters and gradients 0.00 GiB, optimizer state 0.00 GiB,"
        + " activations 46.51 GiB) but the device has 1.00 GiB free of 80.00 GiB: ask for less", e.getMessage());
    assertFalse(e.getMessage().contains("--hidden"), e.getMessage());
  }

  @Test
  void aCnnAtANormalBatchFits() {
    MemoryPlan.of(FASHION_CNN, 128, Kind.ADAM, 0.9)
        .checkFits(new MemoryCapacity(Where.DEVICE, 1024 * MIB, 1024 * MIB), 128);
  }

  /** The estimate's parameter count is the built network's, for two blocks (28 pixels) and three (32, colour). */
  @Test
  void theCnnSpecCountsTheParametersItBuilds() {
    try (Backend backend = Backends.create("cpu")) {
      for (CnnSpec spec : new CnnSpec[] {FASHION_CNN, new CnnSpec(new int[] {3, 32, 32}, 0, 10)}) {
        Module built = spec.build(backend, new Generator(1), new Generator(2));
        assertEquals(built.parameterCount(), spec.parameterCount(), spec.toString());
        built.close();
      }
    }
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
