package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * optimizers.cu on the host CUDA emulator with the param's 16-bit copy: after every step of SGD (plain, Nesterov
 * momentum), Adam and AdamW, the copy the kernel wrote must be exactly the updated float param rounded to bf16 or
 * fp16 ({@link Half16}, the test's own model of the formats), and the param must agree with cpu-scalar's step to a
 * float ulp or two (both compute in double and round once; they differ in where momentum's velocity is rounded).
 * Params span fp16's subnormals and overflow. {@code CudaConformanceTest}'s OptimizerStep family checks the same on
 * a device.
 */
class OptimizerHostTest {
  private static final int N = 67; // two blocks of 32 threads and a remainder: the grid-stride loop wraps
  private static final int STEPS = 3;
  private static final double[] SCALES = {1, 3e-5, 7e4};

  @Test
  void eachStepWritesTheRoundedParamIntoItsCopy(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of optimizers.cu");
    HostKernel harness = HostKernel.build("optimizer_host.cpp", tmp);
    SplittableRandom random = new SplittableRandom(18);
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (Half16 f : Half16.values()) {
        for (String optimizer : new String[] {"sgd", "sgd-nesterov", "adam", "adamw"}) {
          float[] p = new float[N];
          float[] g = new float[STEPS * N];
          for (int i = 0; i < N; i++) {
            p[i] = (float) ((random.nextDouble() * 2 - 1) * SCALES[i % SCALES.length]);
          }
          for (int i = 0; i < g.length; i++) {
            g[i] = (float) ((random.nextDouble() * 2 - 1) * SCALES[i % N % SCALES.length]);
          }
          double[] h = switch (optimizer) {
            case "sgd" -> new double[] {1e-3, 0, 0, 0.01, 0, 0};
            case "sgd-nesterov" -> new double[] {1e-3, 0.9, 0, 0, 1, 0};
            default -> new double[] {1e-6, 0.9, 0.999, 1e-8, 0.05, optimizer.equals("adamw") ? 1 : 0};
          };
          StringBuilder line = new StringBuilder(optimizer.startsWith("sgd") ? "s" : "a").append(' ')
              .append(f.storageCode()).append(' ').append(N).append(' ').append(STEPS);
          for (double x : h) {
            line.append(' ').append(x);
          }
          for (float x : p) {
            line.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(x)));
          }
          for (float x : g) {
            line.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(x)));
          }
          long[] out = harness.run(line + "\n");
          assertEquals(STEPS * 2L * N, out.length);
          float[] expected = reference(cpu, optimizer, h, p, g);
          for (int s = 0; s < STEPS; s++) {
            for (int i = 0; i < N; i++) {
              float param = Float.intBitsToFloat((int) out[(2 * s) * N + i]);
              int copy = (int) out[(2 * s + 1) * N + i];
              String what = f + " " + optimizer + " step " + (s + 1) + " [" + i + "]";
              assertEquals(f.encode(param), copy, what + ": copy of " + param);
              if (s == STEPS - 1) {
                assertEquals(expected[i], param, Math.ulp(expected[i]) * 2, what + ": param");
              }
            }
          }
        }
      }
    }
  }

  /** The params after STEPS steps of cpu-scalar's kernel on the same inputs. */
  private static float[] reference(Backend cpu, String optimizer, double[] h, float[] p0, float[] g) {
    Buffer p = cpu.allocate(DType.FLOAT32, N);
    cpu.upload(p, p0);
    Buffer first = cpu.allocate(DType.FLOAT32, N);
    Buffer second = cpu.allocate(DType.FLOAT32, N);
    cpu.fill(first, 0);
    cpu.fill(second, 0);
    Buffer grad = cpu.allocate(DType.FLOAT32, N);
    float[] gs = new float[N];
    for (int s = 0; s < STEPS; s++) {
      System.arraycopy(g, s * N, gs, 0, N);
      cpu.upload(grad, gs);
      if (optimizer.startsWith("sgd")) {
        cpu.sgdStep(p, null, grad, h[1] != 0 ? first : null, h[0], h[1], h[2], h[3], h[4] != 0, s == 0);
      } else {
        cpu.adamStep(p, null, grad, first, second, h[0], h[1], h[2], h[3], h[4], h[5] != 0, s + 1);
      }
    }
    float[] out = new float[N];
    cpu.download(p, out);
    return out;
  }
}
