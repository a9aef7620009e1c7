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
 * The tensor-core GEMM kernels' own source (tensor_gemm.cuh, tensor_gemm_pipeline.cuh) run on the host CUDA
 * emulator, whose MMA and ldmatrix follow the PTX ISA's fragment tables and whose cp.async lands only when waited
 * for, against a float64 product of the same 16-bit inputs: every kernel entry (the sm_75 fp16 kernel and each
 * sm_80 shape in bf16 and fp16), the four transpose pairs, the cp.async and the element-wise load paths (sizes
 * that are and are not multiples of 8), K long enough to wrap the pipeline's stages, tiles cut by the matrix edge,
 * split K with a broadcast operand, alpha and beta, and C in each storage type. What this cannot show — that the
 * hardware's MMA matches the table, timing, the launch itself — the GPU tests do.
 */
class TensorGemmHostTest {
  /** tensor_gemm_host.cpp's KERNELS, in order: hgemm_f16_k8, then TensorGemm.Variant's entries, bf16 and fp16. */
  private enum Kernel {
    F16_K8(Half16.FLOAT16),
    BF16_128X256P(Half16.BFLOAT16), F16_128X256P(Half16.FLOAT16),
    BF16_128X256(Half16.BFLOAT16), F16_128X256(Half16.FLOAT16),
    BF16_128X128(Half16.BFLOAT16), F16_128X128(Half16.FLOAT16),
    BF16_128X256K64(Half16.BFLOAT16), F16_128X256K64(Half16.FLOAT16),
    BF16_64X64(Half16.BFLOAT16), F16_64X64(Half16.FLOAT16);

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
        // fp16 and bf16 entries of one shape share every line but the MMA: one transpose pair covers the fp16 one.
        boolean sm80f16 = kernel.format == Half16.FLOAT16 && kernel != Kernel.F16_K8;
        if (sm80f16 && t != 2) {
          continue;
        }
        check(new Product(kernel, ta, tb, 1, 7, 9, 13, 1, 1f, 0f, null, false), failures);        // scalar loads
        check(new Product(kernel, ta, tb, 1, 72, 136, 168, 1, 0.5f, 0.25f, null, false), failures);  // 16-byte
        if (kernel == Kernel.F16_K8 || kernel == Kernel.BF16_128X256P || kernel == Kernel.BF16_128X256K64
            || kernel == Kernel.BF16_64X64) {
          check(new Product(kernel, ta, tb, 1, 37, 29, 131, 1, 1f, 0.5f, null, false), failures);  // scalar, 5 stages
        }
      }
    }
    // Both edges of the default 128×256 tile cut, and a second block along each axis.
    check(new Product(Kernel.BF16_128X256P, false, false, 1, 136, 264, 40, 1, 1f, 0f, null, false), failures);
    check(new Product(Kernel.BF16_128X256P, true, true, 1, 136, 264, 40, 1, 1f, 0f, null, false), failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void everyKernelWritesEachStorageTypeOfC() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Kernel kernel : Kernel.values()) {
      for (Half16 c : new Half16[] {Half16.BFLOAT16, Half16.FLOAT16}) {
        check(new Product(kernel, false, false, 1, 40, 48, 64, 1, 1f, 0f, c, false), failures);     // pairs
        check(new Product(kernel, true, true, 1, 24, 40, 32, 1, -2f, 0.5f, c, false), failures);    // pairs, beta
        check(new Product(kernel, false, true, 1, 19, 23, 8, 1, 1f, 1f, c, false), failures);       // odd n
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void splitKAddsTheChunksInOrderIntoEachStorageType() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Kernel kernel :
        new Kernel[] {Kernel.F16_K8, Kernel.BF16_128X256P, Kernel.BF16_128X256, Kernel.F16_128X128,
            Kernel.BF16_128X256K64, Kernel.BF16_64X64}) {
      check(new Product(kernel, false, false, 2, 40, 24, 200, 3, 1f, 0f, Half16.BFLOAT16, false), failures);
      check(new Product(kernel, true, false, 2, 33, 17, 150, 4, 1f, 1f, null, true), failures);
      check(new Product(kernel, false, true, 1, 24, 40, 96, 2, 2f, -1f, Half16.FLOAT16, false), failures);
      check(new Product(kernel, true, true, 2, 1, 1, 1, 1, 1f, 0f, Half16.FLOAT16, true), failures);
      check(new Product(kernel, true, true, 2, 40, 72, 320, 3, 1f, 0.5f, null, true), failures);  // 16-byte, split
    }
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
