package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.BackendOptions;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The 16-bit GEMMs on a device — jgrad's mma.sync kernels whole and split along K (the default and every sm_80
 * {@link TensorGemm.Variant}), and cublasGemmEx where cuBLAS loads — against a float64 product of the same 16-bit inputs, for every transpose pair, aligned (16-byte loads)
 * and odd sizes, a broadcast B, and C in float32, bf16 and fp16. bf16 before sm_80 must be refused, naming the
 * device. 16-bit buffers travel as int32 buffers of two elements each. Skips where no GPU answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresGpu.class)
class TensorGemmGpuTest {
  private CudaBackend backend;
  private TensorGemm tensor;

  @BeforeAll
  void openDevice() {
    if (RequiresGpu.REASON == null) {
      backend = CudaBackend.open(BackendOptions.defaults());
      tensor = new TensorGemm(backend.context(), backend.allocator());
    }
  }

  @AfterAll
  void closeDevice() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void tensorKernelsMatchTheFloat64ProductWholeAndSplit() {
    List<String> failures = new ArrayList<>();
    for (Storage input : new Storage[] {Storage.FLOAT16, Storage.BFLOAT16}) {
      if (input == Storage.BFLOAT16 && backend.context().computeCapability() < 80) {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
            () -> runCase(tensor, 1, input, false, false, 1, 8, 8, 8, Storage.FLOAT32, false));
        assertTrue(e.getMessage().contains(backend.context().deviceName()), e.getMessage());
        continue;
      }
      for (int splits : new int[] {1, 3}) {
        cases(tensor, splits, input, failures);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void everySm80VariantMatchesTheFloat64Product() {
    assumeTrue(backend.context().computeCapability() >= 80, "the sm_80 kernel variants need compute capability 8.0");
    List<String> failures = new ArrayList<>();
    for (TensorGemm.Variant variant : TensorGemm.Variant.values()) {
      TensorGemm gemm = new TensorGemm(backend.context(), backend.allocator(), variant);
      for (Storage input : new Storage[] {Storage.FLOAT16, Storage.BFLOAT16}) {
        for (int splits : new int[] {1, 3}) {
          int before = failures.size();
          cases(gemm, splits, input, failures);
          // Three column tiles of 256 (the last cut), K 328: ten 32-steps and a partial one, stages wrapping.
          for (int t = 0; t < 4; t++) {
            check(failures, runCase(gemm, splits, input, (t & 1) != 0, (t & 2) != 0, 1, 264, 520, 328,
                Storage.FLOAT32, false));
          }
          for (int i = before; i < failures.size(); i++) {
            failures.set(i, gemm.variant().label + ": " + failures.get(i));
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void cublasGemmExMatchesTheFloat64Product() {
    assumeTrue(backend.context().cublas() != null, "cuBLAS 12 did not load: cublasGemmEx untested");
    CublasGemm16 cublas = new CublasGemm16(backend.context().cublas());
    List<String> failures = new ArrayList<>();
    cases(cublas, 1, Storage.FLOAT16, failures);
    if (backend.context().computeCapability() >= 80) {
      cases(cublas, 1, Storage.BFLOAT16, failures);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private void cases(Gemm16 gemm, int splits, Storage input, List<String> failures) {
    for (int t = 0; t < 4; t++) {
      boolean ta = (t & 1) != 0;
      boolean tb = (t & 2) != 0;
      for (Storage output : Storage.values()) {
        if (gemm instanceof CublasGemm16 && output != input && output != Storage.FLOAT32) {
          continue; // cuBLAS has no such product, and the backend never asks for one
        }
        check(failures, runCase(gemm, splits, input, ta, tb, 2, 136, 144, 200, output, false));
        check(failures, runCase(gemm, splits, input, ta, tb, 2, 37, 29, 131, output, true));
      }
    }
    check(failures, runCase(gemm, splits, input, false, false, 1, 1, 1, 1, Storage.FLOAT32, false));
  }

  private static void check(List<String> failures, String failure) {
    if (failure != null) {
      failures.add(failure);
    }
  }

  /** Runs one product; null when every element is within tolerance, else what was wrong. */
  private String runCase(
      Gemm16 gemm, int splits, Storage input, boolean ta, boolean tb, int batch, int m, int n, int k, Storage output,
      boolean broadcastB) {
    Half16 in = input == Storage.BFLOAT16 ? Half16.BFLOAT16 : Half16.FLOAT16;
    Half16 out = output == Storage.BFLOAT16 ? Half16.BFLOAT16 : output == Storage.FLOAT16 ? Half16.FLOAT16 : null;
    SplittableRandom random = new SplittableRandom(m * 31L + n + k);
    int[] a = halves(in, batch * m * k, random);
    int[] b = halves(in, (broadcastB ? 1 : batch) * k * n, random);
    double[] c = new double[batch * m * n];
    int[] cBits = new int[c.length];
    for (int i = 0; i < c.length; i++) {
      float v = (float) (random.nextDouble() * 2 - 1);
      cBits[i] = out == null ? Float.floatToRawIntBits(v) : out.encode(v);
      c[i] = out == null ? v : out.decode(cBits[i]);
    }
    float alpha = 0.5f;
    float beta = 0.25f;
    Buffer da = packed(a);
    Buffer db = packed(b);
    Buffer dc = out == null ? floats(cBits) : packed(cBits);
    CUdeviceptr pc = ((CudaBuffer) dc).pointer();
    if (gemm instanceof TensorGemm t) {
      t.run(splits, input, ta, tb, batch, m, n, k, alpha, ((CudaBuffer) da).pointer(), (long) m * k,
          ((CudaBuffer) db).pointer(), broadcastB ? 0 : (long) k * n, beta, output, pc, (long) m * n);
    } else {
      gemm.run(input, ta, tb, batch, m, n, k, alpha, ((CudaBuffer) da).pointer(), (long) m * k,
          ((CudaBuffer) db).pointer(), broadcastB ? 0 : (long) k * n, beta, output, pc, (long) m * n);
    }
    int[] got = out == null ? downloadFloatBits(dc, c.length) : unpack(dc, c.length);
    double[] av = new double[a.length];
    double[] bv = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      av[i] = in.decode(a[i]);
    }
    for (int i = 0; i < b.length; i++) {
      bv[i] = in.decode(b[i]);
    }
    backend.free(da);
    backend.free(db);
    backend.free(dc);
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double magnitude = 0;
          for (int q = 0; q < k; q++) {
            double p = av[bi * m * k + (ta ? q * m + i : i * k + q)]
                * bv[(broadcastB ? 0 : bi * k * n) + (tb ? j * k + q : q * n + j)];
            sum += p;
            magnitude += Math.abs(p);
          }
          int at = (bi * m + i) * n + j;
          double expected = alpha * sum + beta * c[at];
          double value = out == null ? Float.intBitsToFloat(got[at]) : out.decode(got[at]);
          double ulp = out == null ? 0x1p-24 : out == Half16.BFLOAT16 ? 0x1p-8 : 0x1p-11;
          double tolerance = (alpha * magnitude + Math.abs(beta * c[at])) * k * 0x1p-23 + Math.abs(expected) * ulp;
          if (!(Math.abs(value - expected) <= tolerance + 1e-30)) {
            return gemm.name() + " " + input + " splits " + splits + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " "
                + batch + "×" + m + "×" + n + "×" + k + " C " + output + ": element " + at + " is " + value
                + ", expected " + expected;
          }
        }
      }
    }
    return null;
  }

  private static int[] halves(Half16 format, int n, SplittableRandom random) {
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = format.encode((float) (random.nextDouble(0.0625, 16) * (random.nextBoolean() ? 1 : -1)));
    }
    return x;
  }

  /** 16-bit patterns two to an int32 element, the lower index in the low half (little-endian memory order). */
  private Buffer packed(int[] halves) {
    int[] words = new int[(halves.length + 1) / 2];
    for (int i = 0; i < halves.length; i++) {
      words[i / 2] |= (halves[i] & 0xffff) << (16 * (i % 2));
    }
    Buffer b = backend.allocate(DType.INT32, Math.max(1, words.length));
    backend.upload(b, words.length == 0 ? new int[1] : words);
    return b;
  }

  private int[] unpack(Buffer b, int n) {
    int[] words = new int[(int) b.length()];
    backend.download(b, words);
    int[] halves = new int[n];
    for (int i = 0; i < n; i++) {
      halves[i] = (words[i / 2] >>> (16 * (i % 2))) & 0xffff;
    }
    return halves;
  }

  private Buffer floats(int[] bits) {
    float[] x = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      x[i] = Float.intBitsToFloat(bits[i]);
    }
    Buffer b = backend.allocate(DType.FLOAT32, x.length);
    backend.upload(b, x);
    return b;
  }

  private int[] downloadFloatBits(Buffer b, int n) {
    float[] x = new float[n];
    backend.download(b, x);
    int[] bits = new int[n];
    for (int i = 0; i < n; i++) {
      bits[i] = Float.floatToRawIntBits(x[i]);
    }
    assertEquals(n, bits.length);
    return bits;
  }
}
