package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.MemoryCapacity.Where;
import org.junit.jupiter.api.Test;

class MemoryCapacityTest {
  @Test
  void theJavaHeapIsItsLimitWithWhatIsInUseTakenOff() {
    MemoryCapacity heap = MemoryCapacity.javaHeap();
    assertEquals(Where.JAVA_HEAP, heap.where());
    assertEquals(Runtime.getRuntime().maxMemory(), heap.totalBytes());
    assertTrue(heap.freeBytes() < heap.totalBytes(), heap.toString()); // this test's own objects are in use
  }

  @Test
  void freeMemoryPastTheTotalOrBelowZeroIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new MemoryCapacity(Where.DEVICE, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> new MemoryCapacity(Where.DEVICE, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new MemoryCapacity(null, 0, 1));
  }
}
