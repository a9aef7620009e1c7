package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.DType;
import io.jgrad.MemoryStats;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.GemmArgs;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

  /**
   * {@code wrap}: null where the backend copies (a device); else the array itself: the buffer reads it, a write through
   * it changes it, and freeing ends the view (twice is an error) and leaves the array out of the pool's statistics and
   * out of its free list.
   */
  @Test
  void aWrappedArrayIsTheBufferItself() {
    float[] x = {1.5f, -2f, 3f, 0.25f, 7f};
    MemoryStats start = backend.memoryStats();
    Buffer b = backend.wrap(x);
    assumeTrue(b != null, backend.name() + " copies host arrays");
    assertEquals(DType.FLOAT32, b.dtype(), "dtype");
    assertEquals(x.length, b.length(), "length");
    float[] read = new float[x.length];
    backend.download(b, read);
    assertArrayEquals(new float[] {1.5f, -2f, 3f, 0.25f, 7f}, read, "reads the array");
    backend.fill(b, 0.5);
    float[] halves = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    assertArrayEquals(halves, x, "a write through the buffer is a write to the array");
    assertEquals(start.liveBytes(), backend.memoryStats().liveBytes(), "a view is not the backend's memory");
    backend.free(b);
    assertThrows(IllegalArgumentException.class, () -> backend.free(b), "double free");
    assertEquals(start, backend.memoryStats(), "statistics after the view's free");
    Buffer fresh = backend.allocate(DType.FLOAT32, x.length);
    backend.fill(fresh, 9);
    assertArrayEquals(halves, x, "the freed view's array is never handed out again");
    backend.free(fresh);

    int[] labels = {3, 1, 4};
    Buffer l = backend.wrap(labels);
    assertEquals(DType.INT32, l.dtype(), "int32 dtype");
    int[] back = new int[labels.length];
    backend.download(l, back);
    assertArrayEquals(new int[] {3, 1, 4}, back, "reads the int array");
    backend.free(l);
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

  /** Labels to floating types (an evaluation's correct count): as Java converts an int, to 16 bits through float32. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "BFLOAT16", "FLOAT16"})
  void int32CastsToFloatingTypesAsJavaConverts(DType dtype) {
    assumeSupported(dtype);
    int[] v = new int[64 + 1000];
    int[] special = {0, 1, 9, -3, 255, 256, 257, 2049, 65504, 65519, 65520, 70000, (1 << 24) + 1, (1 << 24) + 3,
        -(1 << 24) - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1};
    System.arraycopy(special, 0, v, 0, special.length);
    for (int i = special.length; i < v.length; i++) {
      v[i] = i < 600 ? rng.nextInt(2000) - 1000 : rng.nextInt(); // small labels and every magnitude
    }
    Buffer src = backend.allocate(DType.INT32, v.length);
    backend.upload(src, v);
    Buffer dst = poisoned(dtype, v.length);
    backend.cast(src, dst);
    if (dtype.isReduced()) {
      short[] bits = new short[v.length];
      backend.download(dst, bits);
      for (int i = 0; i < v.length; i++) {
        assertEquals(ReducedFloats.toBits(dtype, (float) v[i]), bits[i], "int " + v[i] + " to " + dtype.label());
      }
    } else {
      double[] got = get(dst);
      for (int i = 0; i < v.length; i++) {
        double expected = dtype == DType.FLOAT32 ? (double) (float) v[i] : (double) v[i];
        assertEquals(expected, got[i], "int " + v[i] + " to " + dtype.label());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> backend.cast(dst, src), "a cast into int32");
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
