package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tensor-core GEMM kernels' own source (tensor_gemm.cuh) run on the host CUDA emulator, whose MMA follows the
 * PTX ISA's fragment tables, against a float64 product of the same 16-bit inputs: the three kernels, the four
 * transpose pairs, the 16-byte and the element-wise load paths (sizes that are and are not multiples of 8), tiles
 * cut by the matrix edge, split K with a broadcast operand, alpha and beta, and C in each storage type. What this
 * cannot show — that the hardware's MMA matches the table, timing, the launch itself — the GPU tests do.
 */
class TensorGemmHostTest {
  /** hgemm_f16_k8, hgemm_f16, hgemm_bf16: the harness's kernel codes, and their input format. */
  private enum Kernel {
    F16_K8(Half16.FLOAT16), F16(Half16.FLOAT16), BF16(Half16.BFLOAT16);

    final Half16 format;

    Kernel(Half16 format) {
      this.format = format;
    }
  }

  private record Product(
      Kernel kernel, boolean transA, boolean transB, int batch, int m, int n, int k, int splits, float alpha,
      float beta, Half16 cType, boolean broadcastB) {}

  private static Path dir;
  private static HostKernel harness;

  @BeforeAll
  static void build(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of tensor_gemm.cuh");
    dir = tmp;
    harness = HostKernel.build("tensor_gemm_host.cpp", dir);
  }

  @Test
  void everyKernelAndTransposeMatchesTheFloat64Product() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Kernel kernel : Kernel.values()) {
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        check(new Product(kernel, ta, tb, 1, 7, 9, 13, 1, 1f, 0f, null, false), failures);        // scalar loads
        check(new Product(kernel, ta, tb, 1, 136, 144, 48, 1, 0.5f, 0.25f, null, false), failures);  // 16-byte loads
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void splitKAddsTheChunksInOrderIntoEachStorageType() throws Exception {
    List<String> failures = new ArrayList<>();
    check(new Product(Kernel.BF16, false, false, 2, 40, 24, 200, 3, 1f, 0f, Half16.BFLOAT16, false), failures);
    check(new Product(Kernel.BF16, true, false, 2, 33, 17, 150, 4, 1f, 1f, null, true), failures);
    check(new Product(Kernel.F16, false, true, 1, 24, 40, 96, 2, 2f, -1f, Half16.FLOAT16, false), failures);
    check(new Product(Kernel.F16_K8, true, true, 2, 1, 1, 1, 1, 1f, 0f, Half16.FLOAT16, true), failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void check(Product p, List<String> failures) throws Exception {
    SplittableRandom random = new SplittableRandom(p.m() * 31L + p.n() * 7L + p.k());
    Half16 in = p.kernel().format;
    int batchB = p.broadcastB() ? 1 : p.batch();
    int[] a = randomHalves(in, p.batch() * p.m() * p.k(), random);
    int[] b = randomHalves(in, batchB * p.k() * p.n(), random);
    int lenC = p.batch() * p.m() * p.n();
    long[] c = new long[lenC];
    double[] cValue = new double[lenC];
    for (int i = 0; i < lenC; i++) {
      float v = (float) (random.nextDouble() * 2 - 1);
      c[i] = p.cType() == null ? Integer.toUnsignedLong(Float.floatToRawIntBits(v)) : p.cType().encode(v);
      cValue[i] = p.cType() == null ? v : p.cType().decode((int) c[i]);
    }
    StringBuilder input = new StringBuilder();
    input.append(p.kernel().ordinal()).append(' ').append(p.transA() ? 1 : 0).append(' ').append(p.transB() ? 1 : 0)
        .append(' ').append(p.batch()).append(' ').append(p.m()).append(' ').append(p.n()).append(' ').append(p.k())
        .append(' ').append(p.splits()).append(' ').append(bits(p.alpha())).append(' ').append(bits(p.beta()))
        .append(' ').append(p.cType() == null ? 0 : p.cType().storageCode())
        .append(' ').append((long) p.m() * p.k()).append(' ').append(p.broadcastB() ? 0 : (long) p.k() * p.n())
        .append(' ').append((long) p.m() * p.n()).append(' ').append(a.length).append(' ').append(b.length)
        .append(' ').append(lenC).append('\n');
    for (int x : a) {
      input.append(x).append(' ');
    }
    input.append('\n');
    for (int x : b) {
      input.append(x).append(' ');
    }
    input.append('\n');
    for (long x : c) {
      input.append(x).append(' ');
    }
    input.append('\n');
    long[] out = harness.run(input.toString());
    assertEquals(lenC, out.length, p.toString());

    int worst = -1;
    double worstExcess = 0;
    for (int bi = 0; bi < p.batch(); bi++) {
      for (int i = 0; i < p.m(); i++) {
        for (int j = 0; j < p.n(); j++) {
          double sum = 0;
          double magnitude = 0;
          for (int q = 0; q < p.k(); q++) {
            int ai = bi * p.m() * p.k() + (p.transA() ? q * p.m() + i : i * p.k() + q);
            int bIndex = (p.broadcastB() ? 0 : bi * p.k() * p.n()) + (p.transB() ? j * p.k() + q : q * p.n() + j);
            double product = in.decode(a[ai]) * in.decode(b[bIndex]);
            sum += product;
            magnitude += Math.abs(product);
          }
          int at = (bi * p.m() + i) * p.n() + j;
          double expected = p.alpha() * sum + p.beta() * cValue[at];
          double got = p.cType() == null ? Float.intBitsToFloat((int) out[at]) : p.cType().decode((int) out[at]);
          // float32 accumulation over k terms, then (for a 16-bit C) one rounding to 8 or 11 significant bits.
          double scale = Math.abs(p.alpha()) * magnitude + Math.abs(p.beta() * cValue[at]);
          double outputUlp = p.cType() == null ? 0x1p-24 : p.cType() == Half16.BFLOAT16 ? 0x1p-8 : 0x1p-11;
          double tolerance = scale * p.k() * 0x1p-23 + Math.abs(expected) * outputUlp + 1e-30;
          double excess = Math.abs(got - expected) / tolerance;
          if (!(excess <= 1)) {
            if (worst < 0 || !(excess <= worstExcess)) {
              worst = at;
              worstExcess = excess;
            }
          }
        }
      }
    }
    if (worst >= 0) {
      failures.add(p + ": element " + worst + " is off by " + worstExcess + "× its tolerance");
    }
  }

  /** Finite values of moderate size: sign, an exponent within ±4 of 1, and any mantissa. */
  private static int[] randomHalves(Half16 format, int n, SplittableRandom random) {
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      float v = (float) (random.nextDouble(0.0625, 16) * (random.nextBoolean() ? 1 : -1));
      x[i] = format.encode(v);
    }
    return x;
  }

  private static String bits(float f) {
    return Integer.toUnsignedString(Float.floatToRawIntBits(f));
  }
}
