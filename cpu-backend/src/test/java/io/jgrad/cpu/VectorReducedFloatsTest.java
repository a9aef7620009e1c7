package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vector conversions against {@link ReducedFloats} (itself checked bit for bit against PyTorch), bit for bit:
 * widening every one of the 65,536 patterns, and rounding every float that is a 16-bit value, a tie between two
 * neighbours, or one float-ulp either side of a tie, plus NaN payloads, infinities, overflow and random bits. The
 * arrays' odd length runs the scalar tail too.
 */
class VectorReducedFloatsTest {

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
  void widensEveryPatternExactly(DType type) {
    int n = 65_536 + 3;
    short[] bits = new short[n];
    for (int i = 0; i < n; i++) {
      bits[i] = (short) i;
    }
    float[] wide = new float[n];
    VectorReducedFloats.widen(type, bits, 0, wide, 0, n);
    for (int i = 0; i < n; i++) {
      int expected = Float.floatToRawIntBits(ReducedFloats.fromBits(type, bits[i]));
      if (expected != Float.floatToRawIntBits(wide[i])) {
        assertEquals(expected, Float.floatToRawIntBits(wide[i]), type.label() + " pattern " + (i & 0xFFFF));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
  void roundsTiesNeighboursAndSpecialsAsReducedFloats(DType type) {
    SplittableRandom random = new SplittableRandom(18);
    float[] floats = new float[65_536 * 6 + 100_001];
    int k = 0;
    for (int h = 0; h < 65_536; h++) {
      float v = ReducedFloats.fromBits(type, (short) h);
      float next = ReducedFloats.fromBits(type, (short) (h + 1));
      float tie = (float) (((double) v + next) / 2); // exact: both are float16/bfloat16 values, a float holds the mean
      floats[k++] = v;
      floats[k++] = tie;
      floats[k++] = Math.nextUp(tie);
      floats[k++] = Math.nextDown(tie);
      floats[k++] = Float.intBitsToFloat(0x7F800001 + h); // NaN payloads
      floats[k++] = Float.intBitsToFloat(0xFF800000 | (h << 7) | 1);
    }
    while (k < floats.length) {
      floats[k++] = Float.intBitsToFloat(random.nextInt());
    }
    short[] bits = new short[floats.length];
    VectorReducedFloats.round(type, floats, 0, bits, 0, floats.length);
    for (int i = 0; i < floats.length; i++) {
      short expected = type == DType.BFLOAT16 ? ReducedFloats.toBfloat16(floats[i]) : ReducedFloats.toFloat16(floats[i]);
      if (expected != bits[i]) {
        assertEquals(expected & 0xFFFF, bits[i] & 0xFFFF, type.label() + " of " + floats[i] + " (bits 0x"
            + Integer.toHexString(Float.floatToRawIntBits(floats[i])) + ")");
      }
    }
  }
}
