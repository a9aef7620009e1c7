package io.jgrad.cuda;

import static io.jgrad.cuda.ScalarReference.ALPHA;
import static io.jgrad.cuda.ScalarReference.binary;
import static io.jgrad.cuda.ScalarReference.unary;
import static io.jgrad.cuda.ScalarReference.unaryBackward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops.cuh's scalar math, compiled for the host with a C++ compiler (its CUDA qualifiers defined away), against the
 * CPU reference backend on the edge cases where C's math library and Java's disagree: NaN, infinities, ±1 and 0.
 * The device's fmaxf/fminf/powf follow C99 as the host's do, so a divergence found here is one on the GPU. Only
 * the classification (NaN, ±infinity) must match exactly; finite values agree to float precision. Skips where no
 * g++ is on PATH.
 */
class OpsMathHostTest {
  private static final float[] EDGES = {
    Float.NaN, Float.NEGATIVE_INFINITY, -2.5f, -1f, -0.5f, 0f, 0.5f, 1f, 2.5f, Float.POSITIVE_INFINITY
  };

  /** Reads "u op alpha x", "g op alpha s dy" or "b op a b" lines (floats as raw int bits), prints result bits. */
  private static final String HARNESS = """
      #include <math.h>
      #include <stdio.h>
      #include <string.h>
      #define __device__
      #define __forceinline__ inline
      static inline float host_int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
      #define __int_as_float host_int_as_float
      #include "ops.cuh"
      static float bits(int i) { return host_int_as_float(i); }
      int main() {
        char kind;
        int op, p, q, r;
        while (scanf(" %c %d %d %d", &kind, &op, &p, &q) == 4) {
          float out;
          if (kind == 'u') out = unary_value(op, bits(p), bits(q));
          else if (kind == 'b') out = binary_value(op, bits(p), bits(q));
          else { if (scanf("%d", &r) != 1) return 2; out = unary_gradient(op, bits(p), bits(q), bits(r)); }
          int o; memcpy(&o, &out, 4); printf("%d\\n", o);
        }
        return 0;
      }
      """;

  private record Case(String label, String line, float expected) {}

  @Test
  void scalarMathMatchesTheCpuReferenceOnEdgeCases(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host build of ops.cuh");
    Path source = tmp.resolve("ops_host.cpp");
    Files.writeString(source, HARNESS);
    Path binary = tmp.resolve("ops_host");
    HostTool built = HostTool.run(null, "g++", "-std=c++17", "-O0", "-I", KernelSourceTest.KERNELS.toString(),
        source.toString(), "-o", binary.toString());
    assertEquals(0, built.exitCode(), "g++ ops.cuh:\n" + built.output());

    List<Case> cases = new ArrayList<>();
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (UnaryOp op : UnaryOp.values()) {
        for (float x : EDGES) {
          cases.add(new Case("unary " + op + "(" + x + ")", line('u', op.ordinal(), ALPHA, x),
              unary(cpu, op, x)));
          if (op == UnaryOp.DROPOUT_MASK) {
            continue;  // no gradient
          }
          for (float dy : new float[] {1.25f, -0.75f}) {
            cases.add(new Case("unaryBackward " + op + "(saved " + x + ", dy " + dy + ")",
                line('g', op.ordinal(), ALPHA, x) + " " + Float.floatToRawIntBits(dy),
                unaryBackward(cpu, op, x, dy)));
          }
        }
      }
      for (BinaryOp op : BinaryOp.values()) {
        for (float a : EDGES) {
          for (float b : EDGES) {
            cases.add(new Case("binary " + op + "(" + a + ", " + b + ")", line('b', op.ordinal(), a, b),
                binary(cpu, op, a, b)));
          }
        }
      }
    }

    StringBuilder input = new StringBuilder();
    cases.forEach(c -> input.append(c.line()).append('\n'));
    HostTool ran = HostTool.run(input.toString(), binary.toString());
    assertEquals(0, ran.exitCode(), ran.output());
    String[] outputs = ran.output().trim().split("\\s+");
    assertEquals(cases.size(), outputs.length, ran.output());
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      float got = Float.intBitsToFloat(Integer.parseInt(outputs[i]));
      float expected = cases.get(i).expected();
      if (!agree(expected, got)) {
        wrong.add(cases.get(i).label() + ": ops.cuh " + got + ", cpu-scalar " + expected);
      }
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " disagreements:\n" + String.join("\n", wrong));
  }

  /** Same class (NaN, the same infinity), and finite values equal to float precision. */
  private static boolean agree(float expected, float got) {
    if (Float.isNaN(expected) || Float.isNaN(got) || Float.isInfinite(expected) || Float.isInfinite(got)) {
      return Float.isNaN(expected) ? Float.isNaN(got) : expected == got;
    }
    return Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
  }

  private static String line(char kind, int op, float p, float q) {
    return kind + " " + op + " " + Float.floatToRawIntBits(p) + " " + Float.floatToRawIntBits(q);
  }
}
