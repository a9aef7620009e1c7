package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.GemmArgs;
import io.jgrad.MemoryCapacity;
import io.jgrad.internal.Philox;
import io.jgrad.spi.ReduceOp;
import io.jgrad.Transposed;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests of the CUDA backend on a real device, against host arithmetic; they skip, saying why, where no device
 * answers. The kernel-by-kernel check on both GEMM paths is the shared conformance suite (CudaConformanceTest,
 * CudaTiledGemmConformanceTest); these cover what only CUDA has: each tiled GEMM kernel whole or split, TF32,
 * launch limits, Philox bit-equality past the counter's low word, chunked reductions, the allocator on a device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresGpu.class)
class CudaBackendGpuTest {
  /** float32 GEMM (no TF32) against a double reference, relative to the sum of |products|. */
  static final double GEMM_TOLERANCE = 1e-5;

  private CudaBackend cublas;
  private CudaBackend tiled;

  @BeforeAll
  void openDevice() {
    if (RequiresGpu.REASON == null) {
      cublas = CudaBackend.open(BackendOptions.defaults());
      tiled = CudaBackend.open(0, false, false);
    }
  }

  @AfterAll
  void closeDevice() {
    if (cublas != null) {
      cublas.close();
      tiled.close();
    }
  }

  /**
   * Each kernel of the tiled path, whole or split along K, whatever the shape would pick: sizes and strides that are
   * multiples of 4 (so sgemm_large reads 16 bytes at a time), odd sizes and an A one float past an aligned address
   * (scalar reads), partial edge tiles and chunks, k = 0 (C = beta·C) and a batch of two with B broadcast.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void bothTiledKernelsMatchTheDoubleReferenceWholeOrSplit(boolean useLarge) {
    TiledGemm gemm = (TiledGemm) tiled.gemm();
    int batch = 2;
    Random random = new Random(7);
    for (int[] shape : new int[][] {{256, 132, 36}, {130, 131, 67}, {5, 6, 0}, {1, 1, 1}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      for (int splits : new int[] {1, 3}) {
        for (int offset : new int[] {0, 1}) {
          for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
              float[] a = randoms(random, offset + batch * m * k);
              float[] b = randoms(random, k * n);
              float[] c = randoms(random, batch * m * n);
              Buffer da = upload(tiled, a);
              Buffer db = upload(tiled, b);
              Buffer dc = upload(tiled, c);
              gemm.run(useLarge, splits, ta, tb, batch, m, n, k, 0.5f,
                  ((CudaBuffer) da).pointer().withByteOffset(4L * offset), (long) m * k, ((CudaBuffer) db).pointer(),
                  0, 2f, ((CudaBuffer) dc).pointer(), (long) m * n);
              float[] out = new float[c.length];
              tiled.download(dc, out);
              tiled.free(da);
              tiled.free(db);
              tiled.free(dc);
              String what = (useLarge ? "sgemm_large " : "sgemm_tiled ") + m + "x" + n + "x" + k + " in " + splits
                  + " offset " + offset + " ta=" + ta + " tb=" + tb;
              assertMatchesReference(what, ta, tb, batch, m, n, k, Arrays.copyOfRange(a, offset, a.length), b, c, out);
            }
          }
        }
      }
    }
  }

  /**
   * TF32 is opt-in and honoured: with it, cuBLAS rounds the inputs to 10 mantissa bits, so a 1024³ product (large
   * enough that cuBLAS takes the tensor cores) lands between 1e-5 and 2e-3 of the float64 reference, where float32
   * stays under 1e-6 (the bounds asserted). Checked on the first 64 rows.
   */
  @Test
  void tf32IsUsedOnlyWhenAskedFor() {
    try (CudaBackend tf32 = CudaBackend.open(BackendOptions.defaults().withTf32(true))) {
      assumeTrue(tf32.gemmName().equals("cublas"), "TF32 needs cuBLAS, and libcublas.so.12 did not load");
      int size = 1024;
      Random random = new Random(3);
      float[] a = randoms(random, size * size);
      float[] b = randoms(random, size * size);
      double fp32 = relativeError(cublas, a, b, size);
      double rounded = relativeError(tf32, a, b, size);
      assertTrue(fp32 < 1e-6, "float32 GEMM: relative error " + fp32);
      assertTrue(rounded > 1e-5 && rounded < 2e-3, "TF32 GEMM: relative error " + rounded);
    }
  }

  /** ‖A·B − ref‖ / ‖ref‖ over the first 64 rows, for square A and B, against a float64 reference. */
  private static double relativeError(CudaBackend backend, float[] a, float[] b, int size) {
    float[] out = run(backend, false, false, 1, size, size, size, a, b, new float[size * size]);
    double num = 0;
    double den = 0;
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < size; j++) {
        double ref = 0;
        for (int p = 0; p < size; p++) {
          ref += a[i * size + p] * (double) b[p * size + j];
        }
        double d = 2 * out[i * size + j] - ref;  // run() computes 0.5·A·B + 2·C with C = 0
        num += d * d;
        den += ref * ref;
      }
    }
    return Math.sqrt(num / den);
  }

  /** out = 0.5·op(A_z)·op(B) + 2·C_z for each z, B shared by the batch, to a tolerance scaled by Σ|products|. */
  private static void assertMatchesReference(
      String what, boolean ta, boolean tb, int batch, int m, int n, int k, float[] a, float[] b, float[] c,
      float[] out) {
    for (int z = 0; z < batch; z++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double scale = 0;
          for (int p = 0; p < k; p++) {
            double x = a[z * m * k + (ta ? p * m + i : i * k + p)] * (double) b[tb ? j * k + p : p * n + j];
            sum += x;
            scale += Math.abs(x);
          }
          double expected = 0.5 * sum + 2.0 * c[z * m * n + i * n + j];
          assertEquals(expected, out[z * m * n + i * n + j], GEMM_TOLERANCE * (scale + 1), what);
        }
      }
    }
  }

  /**
   * m = 4,194,305 needs 32,769 row tiles of sgemm_large (65,537 of sgemm_tiled), past gridDim.y's limit of 65,535,
   * where the tiled kernel once put them.
   */
  @Test
  void theTiledGemmTakesMoreRowTilesThanGridDimYAllows() {
    int m = 4_194_305;
    int n = 3;
    int k = 2;
    float[] a = randoms(new Random(4), m * k);
    float[] b = randoms(new Random(5), k * n);
    float[] out = run(tiled, false, false, 1, m, n, k, a, b, new float[m * n]);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double expected = 0.5 * (a[i * k] * (double) b[j] + a[i * k + 1] * (double) b[n + j]);
        if (Math.abs(out[i * n + j] - expected) > GEMM_TOLERANCE * (Math.abs(expected) + 1)) {
          fail("C[" + i + ", " + j + "] is " + out[i * n + j] + ", expected " + expected);
        }
      }
    }
  }

  private static float[] run(
      CudaBackend backend, boolean ta, boolean tb, int batch, int m, int n, int k, float[] a, float[] b, float[] c) {
    Buffer da = upload(backend, a);
    Buffer db = upload(backend, b);
    Buffer dc = upload(backend, c);
    backend.gemm(GemmArgs.of(m, n, k, da, db, dc)
        .transposed(Transposed.of(ta, tb))
        .batched(batch, (long) m * k, 0, (long) m * n)
        .scaled(0.5, 2.0));
    float[] out = new float[c.length];
    backend.download(dc, out);
    backend.free(da);
    backend.free(db);
    backend.free(dc);
    return out;
  }

  @Test
  void randomIsBitIdenticalToTheReferencePhilox() {
    for (Distribution dist : Distribution.values()) {
      Buffer out = cublas.allocate(DType.FLOAT32, 1023);
      cublas.random(dist, 0.5, 2.0, 0x1234_5678_9ABCL, (1L << 32) - 5, out);
      float[] got = new float[1023];
      cublas.download(out, got);
      for (int i = 0; i < got.length; i++) {
        double expected = Philox.sample(dist, 0.5, 2.0, 0x1234_5678_9ABCL, (1L << 32) - 5 + i);
        assertEquals((float) expected, got[i], dist + "@" + i);
      }
      cublas.free(out);
    }
  }

  /**
   * NORMAL goes through CUDA's double-precision log and cos, Java's through Math's: ten million draws must
   * still agree bit for bit once rounded to float, or the two backends would train different models from one seed.
   */
  @Test
  void tenMillionNormalDrawsAreBitIdenticalToTheReferencePhilox() {
    int count = 10_000_000;
    long seed = 0x5EED_0000_0042L;
    Buffer out = cublas.allocate(DType.FLOAT32, count);
    cublas.random(Distribution.NORMAL, 0, 1, seed, 0, out);
    float[] got = new float[count];
    cublas.download(out, got);
    cublas.free(out);
    int differ = 0;
    int first = -1;
    for (int i = 0; i < count; i++) {
      float expected = (float) Philox.sample(Distribution.NORMAL, 0, 1, seed, i);
      if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(expected)) {
        differ++;
        first = first < 0 ? i : first;
      }
    }
    assertEquals(0, differ, differ + " of " + count + " draws differ, the first at " + first);
  }

  /**
   * Few outputs over a long axis run in chunks (on an H100, 6 of 16,385 for the first shape and 2 for the second; see
   * GridTest): sums stay in double, and the first maximum, or the first NaN, wins across chunk boundaries.
   */
  @Test
  void reductionsOverLongAxesMatchTheDoubleReferenceAcrossChunks() {
    Random random = new Random(11);
    for (int[] shape : new int[][] {{1, 98_309, 1}, {2, 40_000, 3}}) {
      int outer = shape[0];
      int n = shape[1];
      int inner = shape[2];
      for (boolean withNan : new boolean[] {false, true}) {
        float[] x = randoms(random, outer * n * inner);
        for (int o = 0; o < outer * inner; o++) {
          int base = o / inner * n * inner + o % inner;
          x[base + 20_000 * inner] = 7;  // a tie, in two chunks for the first shape: the first index must win
          x[base + 36_000 * inner] = 7;
          if (withNan) {
            x[base + 30_000 * inner] = Float.NaN;
            x[base + 39_000 * inner] = Float.NaN;
          }
        }
        Buffer dx = upload(cublas, x);
        Buffer out = cublas.allocate(DType.FLOAT32, outer * inner);
        float[] got = new float[outer * inner];
        for (ReduceOp op : ReduceOp.values()) {
          cublas.reduce(op, dx, outer, n, inner, out);
          cublas.download(out, got);
          for (int o = 0; o < outer * inner; o++) {
            int base = o / inner * n * inner + o % inner;
            double sum = 0;
            double scale = 0;
            for (int j = 0; j < n; j++) {
              sum += x[base + j * inner];
              scale += Math.abs(x[base + j * inner]);
            }
            String what =
                op + " of output " + o + " of " + outer + "x" + n + "x" + inner + (withNan ? " with NaN" : "");
            switch (op) {
              case SUM -> assertEquals(sum, got[o], withNan ? 0 : 1e-6 * scale, what);
              case MEAN -> assertEquals(sum / n, got[o], withNan ? 0 : 1e-6 * scale / n, what);
              case MAX -> assertEquals(withNan ? Float.NaN : 7f, got[o], what);
              case ARGMAX -> assertEquals(withNan ? 30_000 : 20_000, got[o], what);
            }
          }
        }
        cublas.free(dx);
        cublas.free(out);
      }
    }
  }

  @Test
  void repeatedStepsReuseCachedBlocks() {
    Buffer warm = cublas.allocate(DType.FLOAT32, 100_000);
    cublas.free(warm);
    long before = cublas.memoryStats().systemAllocations();
    for (int i = 0; i < 10; i++) {
      Buffer b = cublas.allocate(DType.FLOAT32, 100_000);
      cublas.fill(b, 1.5);
      cublas.free(b);
    }
    assertEquals(before, cublas.memoryStats().systemAllocations());
    assertTrue(cublas.memoryStats().cachedBytes() >= 400_000);
  }

  /**
   * The capacity is the device's (cuMemGetInfo), and a block the pool keeps after free() still counts as free:
   * allocating 256 MiB and freeing it must not shrink the reported room by anything near that.
   */
  @Test
  void memoryCapacityIsTheDevicesAndCountsCachedBlocksAsFree() {
    MemoryCapacity before = cublas.memoryCapacity();
    assertEquals(MemoryCapacity.Where.DEVICE, before.where());
    assertTrue(before.totalBytes() >= 1L << 30, before.toString());
    assertTrue(before.freeBytes() > 0 && before.freeBytes() <= before.totalBytes(), before.toString());
    Buffer big = cublas.allocate(DType.FLOAT32, 64L << 20);
    MemoryCapacity held = cublas.memoryCapacity();
    cublas.free(big);
    MemoryCapacity after = cublas.memoryCapacity();
    assertTrue(held.freeBytes() <= before.freeBytes() - (200L << 20), before + " then " + held);
    assertTrue(after.freeBytes() >= before.freeBytes() - (64L << 20), before + " then " + after);
  }

  /**
   * Deferred-check scopes nest (an evaluation pass inside a fit): once an inner scope has closed, twice, the outer one
   * still leaves a bad label to the next read-back instead of the launch waiting for it.
   */
  @Test
  void aClosedInnerScopeLeavesTheOuterOneDeferring() {
    Buffer logits = upload(cublas, new float[12]);
    Buffer labels = cublas.allocate(DType.INT32, 4);
    cublas.upload(labels, new int[] {0, 5, 1, 2});
    Buffer probs = cublas.allocate(DType.FLOAT32, 12);
    Buffer loss = cublas.allocate(DType.FLOAT32, 4);
    try (Backend.DeferredChecks outer = cublas.deferChecks()) {
      Backend.DeferredChecks inner = cublas.deferChecks();
      inner.close();
      inner.close();
      cublas.softmaxCrossEntropy(logits, labels, 4, 3, 0, probs, loss); // deferred: returns without a report
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> cublas.download(loss, new float[4]));
      assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    } finally {
      for (Buffer b : new Buffer[] {logits, labels, probs, loss}) {
        cublas.free(b);
      }
    }
  }

  private static Buffer upload(CudaBackend backend, float[] values) {
    Buffer b = backend.allocate(DType.FLOAT32, values.length);
    backend.upload(b, values);
    return b;
  }

  private static float[] randoms(Random random, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
