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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16/fp16 variants of unary.cu, binary.cu, bias_activation.cu and cast.cu run on the host CUDA emulator:
 * each must compute in float and round once to its storage type, so its result is the cpu-scalar float32 result on
 * the decoded inputs, rounded by {@link Half16} — within one 16-bit ulp, since ops.cuh's float math may differ from
 * Java's in the last float bit (OpsMathHostTest) — with NaN and infinities exactly where the reference has them.
 * Casts must be exact, NaN patterns included.
 */
class Elementwise16HostTest {
  private static final float[] EDGES = {
    Float.NaN, Float.NEGATIVE_INFINITY, -2.5f, -1f, -0.5f, -0.1f, 0f, 0.3f, 0.5f, 1f, 2.5f, 7.75f,
    Float.POSITIVE_INFINITY
  };

  private record Case(String label, String line, Half16 format, int expected) {}

  @Test
  void unaryBinaryAndBiasActivationRoundOnceFromFloat(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of the 16-bit kernels");
    HostKernel harness = HostKernel.build("elementwise_host.cpp", tmp);
    List<Case> cases = new ArrayList<>();
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (Half16 f : Half16.values()) {
        String type = " " + f.storageCode() + " ";
        for (UnaryOp op : UnaryOp.values()) {
          for (float edge : EDGES) {
            int x = f.encode(edge);
            float xv = (float) f.decode(x);
            cases.add(new Case(f + " " + op + "(" + xv + ")", "u" + type + op.ordinal() + " " + bits(ALPHA) + " " + x,
                f, f.encode(unary(cpu, op, xv))));
            if (op == UnaryOp.DROPOUT_MASK) {
              continue;
            }
            int dy = f.encode(-0.75f);
            cases.add(new Case(f + " " + op + "'(" + xv + ")", "g" + type + op.ordinal() + " " + bits(ALPHA) + " " + x
                + " " + dy, f, f.encode(unaryBackward(cpu, op, xv, (float) f.decode(dy)))));
          }
        }
        for (BinaryOp op : BinaryOp.values()) {
          for (float a : EDGES) {
            for (float b : EDGES) {
              int ia = f.encode(a);
              int ib = f.encode(b);
              cases.add(new Case(f + " " + op + "(" + a + ", " + b + ")", "b" + type + op.ordinal() + " " + ia + " "
                  + ib, f, f.encode(binary(cpu, op, (float) f.decode(ia), (float) f.decode(ib)))));
            }
          }
        }
      }
    }
    StringBuilder input = new StringBuilder();
    cases.forEach(c -> input.append(c.line()).append('\n'));
    long[] out = harness.run(input.toString());
    assertEquals(cases.size(), out.length);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      if (!withinOneUlp(c.format(), c.expected(), (int) out[i])) {
        wrong.add(c.label() + ": kernel " + c.format().decode((int) out[i]) + ", reference "
            + c.format().decode(c.expected()));
      }
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " disagreements:\n" + String.join("\n", wrong));
  }

  @Test
  void biasActivationForwardAndBackwardIn16Bits(@TempDir Path tmp) throws Exception {
    checkBiasActivation(tmp, 0, UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.IDENTITY);
  }

  /** The masked entries (dropout in the epilogue): y = act(x + bias)·mask and dx = act'(y)·(dy·mask), rounded once. */
  @Test
  void maskedBiasActivationForwardAndBackwardIn16Bits(@TempDir Path tmp) throws Exception {
    checkBiasActivation(tmp, 0.25, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.IDENTITY);
  }

  /** bias_activation_* (dropP 0) or bias_activation_masked_* with a dropout mask of drop probability dropP. */
  private static void checkBiasActivation(Path tmp, double dropP, UnaryOp... acts) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of the 16-bit kernels");
    HostKernel harness = HostKernel.build("elementwise_host.cpp", tmp);
    boolean masked = dropP > 0;
    int rows = 5;
    int cols = 37;  // two column blocks of the backward
    java.util.SplittableRandom random = new java.util.SplittableRandom(9);
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (Half16 f : Half16.values()) {
        for (UnaryOp act : acts) {
          int[] x = new int[rows * cols];
          int[] bias = new int[cols];
          int[] mask = new int[masked ? rows * cols : 0];
          int[] dy = new int[rows * cols];
          StringBuilder line = new StringBuilder((masked ? "m " : "a ") + f.storageCode() + " " + act.ordinal() + " "
              + bits(ALPHA) + " " + rows + " " + cols);
          for (int[] array : new int[][] {x, bias, mask, dy}) {
            for (int i = 0; i < array.length; i++) {
              array[i] = array == mask
                  ? f.encode(random.nextDouble() < dropP ? 0f : (float) (1 / (1 - dropP)))
                  : f.encode((float) (random.nextDouble() * 4 - 2));
              line.append(' ').append(array[i]);
            }
          }
          long[] out = harness.run(line + "\n");
          assertEquals(2 * rows * cols + cols, out.length);
          double[] dbias = new double[cols];
          String what = f + " " + act + (masked ? " masked" : "");
          for (int i = 0; i < rows * cols; i++) {
            float m = masked ? (float) f.decode(mask[i]) : 1f;
            float sum = (float) f.decode(x[i]) + (float) f.decode(bias[i % cols]);
            float value = unary(cpu, act, sum);
            int y = f.encode(masked ? value * m : value);
            assertTrue(withinOneUlp(f, y, (int) out[i]), what + " y[" + i + "]");
            // the backward reads the kernel's own y, as it would on the device
            float d = (float) f.decode(dy[i]);
            float g = unaryBackward(cpu, act, (float) f.decode((int) out[i]), masked ? d * m : d);
            assertTrue(withinOneUlp(f, f.encode(g), (int) out[rows * cols + i]), what + " dx[" + i + "]");
            dbias[i % cols] += g;  // dbias sums the unrounded gradients: each output is rounded once
          }
          for (int c = 0; c < cols; c++) {
            assertTrue(withinOneUlp(f, f.encode((float) dbias[c]), (int) out[2 * rows * cols + c]),
                what + " dbias[" + c + "]");
          }
        }
      }
    }
  }

  @Test
  void castsAreExactBetweenEveryPair(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of cast.cu");
    HostKernel harness = HostKernel.build("elementwise_host.cpp", tmp);
    List<Float> floats = new ArrayList<>();
    for (float e : EDGES) {
      floats.add(e);
      floats.add(-e);
    }
    floats.addAll(List.of(65_520f, 65_519.996f, 1e-8f, 2.9802322e-8f, 1.00390625f, 1.01171875f, 3.3961775e38f,
        Float.intBitsToFloat(0x7f800001), 0.1f, 1e5f));
    StringBuilder input = new StringBuilder();
    List<Integer> expected = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Half16 f : Half16.values()) {
      for (float v : floats) {
        input.append("c 0 ").append(f.storageCode()).append(' ').append(bits(v)).append('\n');
        expected.add(f.encode(v));
        labels.add("float " + v + " → " + f);
        int h = f.encode(v);
        input.append("c ").append(f.storageCode()).append(" 0 ").append(h).append('\n');
        expected.add(Float.floatToRawIntBits((float) f.decode(h)));
        labels.add(f + " " + f.decode(h) + " → float");
        Half16 other = f == Half16.BFLOAT16 ? Half16.FLOAT16 : Half16.BFLOAT16;
        input.append("c ").append(f.storageCode()).append(' ').append(other.storageCode()).append(' ').append(h)
            .append('\n');
        expected.add(other.encode((float) f.decode(h)));
        labels.add(f + " " + f.decode(h) + " → " + other);
      }
    }
    long[] out = harness.run(input.toString());
    assertEquals(expected.size(), out.length);
    for (int i = 0; i < out.length; i++) {
      boolean nanToFloat = labels.get(i).endsWith("→ float") && Float.isNaN(Float.intBitsToFloat(expected.get(i)));
      if (nanToFloat) {
        assertTrue(Float.isNaN(Float.intBitsToFloat((int) out[i])), labels.get(i));  // any NaN widens to a NaN
      } else {
        assertEquals((int) expected.get(i), (int) out[i], labels.get(i));
      }
    }
  }

  /** cast_int32: labels to float as Java's (float) conversion, to 16 bits through that float. */
  @Test
  void int32CastsAsJavaConverts(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of cast.cu");
    HostKernel harness = HostKernel.build("elementwise_host.cpp", tmp);
    int[] values = {0, 1, 9, -3, 255, 256, 257, 2049, 65_504, 65_519, 65_520, 70_000, (1 << 24) + 1, (1 << 24) + 3,
        -(1 << 24) - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 123_456_789};
    StringBuilder input = new StringBuilder();
    List<Integer> expected = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int v : values) {
      input.append("i 0 ").append(v).append('\n');
      expected.add(Float.floatToRawIntBits((float) v));
      labels.add("int " + v + " → float");
      for (Half16 f : Half16.values()) {
        input.append("i ").append(f.storageCode()).append(' ').append(v).append('\n');
        expected.add(f.encode((float) v));
        labels.add("int " + v + " → " + f);
      }
    }
    long[] out = harness.run(input.toString());
    assertEquals(expected.size(), out.length);
    for (int i = 0; i < out.length; i++) {
      assertEquals((int) expected.get(i), (int) out[i], labels.get(i));
    }
  }

  /** Same pattern, or both NaN, or finite and at most one ulp apart. */
  private static boolean withinOneUlp(Half16 f, int expected, int got) {
    double e = f.decode(expected);
    double g = f.decode(got);
    if (Double.isNaN(e) || Double.isNaN(g) || Double.isInfinite(e) || Double.isInfinite(g)) {
      return Double.isNaN(e) ? Double.isNaN(g) : e == g;
    }
    return Math.abs(e - g) <= f.ulp(expected);
  }

  private static String bits(float f) {
    return Integer.toUnsignedString(Float.floatToRawIntBits(f));
  }
}
