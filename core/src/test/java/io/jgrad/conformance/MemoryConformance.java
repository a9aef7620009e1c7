package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.MemoryStats;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.GemmArgs;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Memory: allocation statistics, the free lists, upload/download/copy/fill, and the errors for bad buffers and
 * lengths. */
public abstract class MemoryConformance extends KernelConformance {
  protected MemoryConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @Test
  void memoryStatsReturnToTheStartAfterFree() {
    MemoryStats start = backend.memoryStats();
    Buffer f = backend.allocate(DType.FLOAT32, 1023);
    Buffer i = backend.allocate(DType.INT32, 7);
    long bytes = 1023 * 4 + 7 * 4;
    MemoryStats during = backend.memoryStats();
    assertEquals(start.liveBytes() + bytes, during.liveBytes(), "live bytes after two allocations");
    assertTrue(during.peakBytes() >= during.liveBytes(), "peak " + during.peakBytes() + " below live");
    backend.free(f);
    backend.free(i);
    MemoryStats after = backend.memoryStats();
    assertEquals(start.liveBytes(), after.liveBytes(), "live bytes after freeing everything");
    assertEquals(during.peakBytes(), after.peakBytes(), "peak survives frees");
    backend.resetPeak();
    assertEquals(after.liveBytes(), backend.memoryStats().peakBytes(), "resetPeak restarts at live bytes");
  }

  @Test
  void aFreedBufferIsReusedWithoutAskingTheSystem() {
    backend.free(backend.allocate(DType.FLOAT32, 33));
    long before = backend.memoryStats().systemAllocations();
    backend.free(backend.allocate(DType.FLOAT32, 33));
    assertEquals(before, backend.memoryStats().systemAllocations(), "second allocation of the same size");
  }

  @Test
  void doubleFreeAndForeignBuffersAreErrors() {
    Buffer b = backend.allocate(DType.FLOAT32, 7);
    backend.free(b);
    assertThrows(IllegalArgumentException.class, () -> backend.free(b), "double free");
    Buffer foreign = new Buffer(DType.FLOAT32, 7) {};
    assertThrows(IllegalArgumentException.class, () -> backend.free(foreign), "free of a foreign buffer");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.unary(UnaryOp.NEG, 0, foreign, backend.allocate(DType.FLOAT32, 7)),
        "kernel on a foreign buffer");
  }

  @EachFloatType
  void uploadDownloadCopyFill(DType dtype) {
    assumeSupported(dtype);
    for (int n : SIZES) {
      double[] x = values(dtype, n, -5, 5);
      Buffer b = put(dtype, x);
      assertArrayEquals(x, get(b), "round trip of " + n);
      Buffer dst = poisoned(dtype, n + 4);
      backend.copy(b, 0, dst, 2, n);
      double[] out = get(dst);
      assertArrayEquals(x, Arrays.copyOfRange(out, 2, n + 2), "copy into offset 2");
      assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[n + 3]), "copy wrote outside its range");
      backend.fill(dst, 0.5);
      assertArrayEquals(filled(n + 4, 0.5), get(dst), "fill");
    }
  }

  @Test
  void int32RoundTripsAndCopies() {
    int[] labels = {3, -1, 7, Integer.MAX_VALUE, 0, 2, 9};
    Buffer b = backend.allocate(DType.INT32, labels.length);
    backend.upload(b, labels);
    Buffer c = backend.allocate(DType.INT32, labels.length);
    backend.copy(b, 0, c, 0, labels.length);
    int[] back = new int[labels.length];
    backend.download(c, back);
    assertArrayEquals(labels, back);
  }

  @Test
  void lengthMismatchesAreErrors() {
    Buffer x = backend.allocate(DType.FLOAT32, 7);
    Buffer y = backend.allocate(DType.FLOAT32, 8);
    assertThrows(IllegalArgumentException.class, () -> backend.upload(x, new float[8]), "upload");
    assertThrows(IllegalArgumentException.class, () -> backend.unary(UnaryOp.NEG, 0, x, y), "unary");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.gemm(GemmArgs.of(3, 3, 3, y, y, x).batched(1, 9, 9, 9)),
        "gemm into a too small C");
    assertThrows(
        IllegalArgumentException.class,
        () -> backend.binary(BinaryOp.ADD, x, Shape.of(7), y, Shape.of(8), y, Shape.of(8)),
        "binary of shapes that do not broadcast");
    assertThrows(
        IllegalArgumentException.class, () -> backend.copy(x, 0, y, 2, 7), "copy past the end of dst");
  }
}
