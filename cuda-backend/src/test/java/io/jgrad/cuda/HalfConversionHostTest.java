package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * half.cuh's conversions, which every 16-bit kernel loads and stores through, compiled for the host: every one of
 * the 65,536 bf16 and fp16 patterns decoded, and floats rounded — each pattern's own value, every tie between
 * neighbours and a float ulp either side of it, the overflow and underflow edges, NaN and infinities, and random
 * floats — bit for bit against {@link Half16} (NaN to PyTorch's patterns too); on JDK 20+ also against
 * {@code Float.floatToFloat16}.
 */
class HalfConversionHostTest {

  @Test
  void conversionsAreExactAndRoundToNearestEven(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host build of half.cuh");
    HostKernel harness = HostKernel.build("half_host.cpp", tmp);
    List<String> wrong = new ArrayList<>();
    for (Half16 format : Half16.values()) {
      checkDecode(harness, format, wrong);
      checkEncode(harness, format, wrong);
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " disagreements, first ones:\n"
        + String.join("\n", wrong.subList(0, Math.min(20, wrong.size()))));
  }

  private static void checkDecode(HostKernel harness, Half16 format, List<String> wrong) throws Exception {
    StringBuilder in = new StringBuilder();
    for (int bits = 0; bits < 65_536; bits++) {
      in.append("d ").append(format.storageCode()).append(' ').append(bits).append('\n');
    }
    long[] out = harness.run(in.toString());
    assertEquals(65_536, out.length);
    for (int bits = 0; bits < 65_536; bits++) {
      float got = Float.intBitsToFloat((int) out[bits]);
      double expected = format.decode(bits);
      boolean same = Double.isNaN(expected) ? Float.isNaN(got) : got == expected
          && (Float.floatToRawIntBits(got) < 0) == ((bits & 0x8000) != 0);  // -0 stays -0
      if (!same) {
        wrong.add(format + " decode 0x" + Integer.toHexString(bits) + ": " + got + ", expected " + expected);
      }
    }
  }

  private static void checkEncode(HostKernel harness, Half16 format, List<String> wrong) throws Exception {
    List<Float> floats = new ArrayList<>();
    for (int bits = 0; bits < 0x8000; bits++) {
      double v = format.decode(bits);
      double next = format.decode(bits + 1);
      if (Double.isNaN(v)) {
        continue;
      }
      floats.add((float) v);
      if (!Double.isNaN(next) && !Double.isInfinite(v)) {
        double upper = Double.isInfinite(next) ? v + gapBelowInfinity(format) : next;
        float tie = (float) ((v + upper) / 2);
        floats.add(tie);
        floats.add(Math.nextUp(tie));
        floats.add(Math.nextDown(tie));
      }
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      floats.add(Float.intBitsToFloat(random.nextInt()));
    }
    floats.addAll(List.of(Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc12345),
        Float.POSITIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE, 65_504f, 65_519.996f, 65_520f, 1e-8f, 2.9802322e-8f,
        5.9604645e-8f, 3.3895314e38f, 3.3961775e38f));
    List<Float> all = new ArrayList<>(floats);
    floats.forEach(f -> all.add(-f));

    StringBuilder in = new StringBuilder();
    for (float f : all) {
      in.append("e ").append(format.storageCode()).append(' ')
          .append(Integer.toUnsignedString(Float.floatToRawIntBits(f))).append('\n');
    }
    long[] out = harness.run(in.toString());
    assertEquals(all.size(), out.length);
    Method jdk = format == Half16.FLOAT16 ? jdkFloatToFloat16() : null;
    for (int i = 0; i < all.size(); i++) {
      float f = all.get(i);
      int got = (int) out[i];
      int expected = format.encode(f);
      boolean same = got == expected;
      if (same && jdk != null && !Float.isNaN(f)) {
        same = got == (((short) jdk.invoke(null, f)) & 0xffff);
      }
      if (!same) {
        wrong.add(format + " encode " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + "): 0x"
            + Integer.toHexString(got) + ", expected 0x" + Integer.toHexString(expected));
      }
    }
  }

  /** The largest finite value's ulp: infinity rounds as if it stood one ulp above it. */
  private static double gapBelowInfinity(Half16 format) {
    return format == Half16.FLOAT16 ? 32.0 : Math.scalb(1.0, 120);
  }

  /** Float.floatToFloat16 (JDK 20+), or null on older JDKs. */
  private static Method jdkFloatToFloat16() {
    try {
      return Float.class.getMethod("floatToFloat16", float.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
