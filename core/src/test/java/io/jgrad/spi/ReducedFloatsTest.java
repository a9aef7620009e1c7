package io.jgrad.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions against PyTorch: digests of torch's casts over 1.77 million float32 inputs (random bit
 * patterns, every bfloat16 tie, every normal float16 tie, the float16 subnormal ties) and of every 16-bit pattern
 * decoded, written by {@code reduced_floats_reference.py} beside the digests; then the special cases by name.
 */
class ReducedFloatsTest {

  @Test
  void encodingMatchesPyTorchBitForBit() throws Exception {
    Map<String, String> torch = reference();
    float[] x = encodeInputs();
    assertEquals(Integer.parseInt(torch.get("encode_count")), x.length, "input count");
    short[] bf16 = new short[x.length];
    short[] fp16 = new short[x.length];
    for (int i = 0; i < x.length; i++) {
      // Any NaN is NaN: which payload torch keeps depends on its vectorised or scalar path.
      bf16[i] = Float.isNaN(x[i]) ? (short) 0x7FC0 : ReducedFloats.toBfloat16(x[i]);
      fp16[i] = Float.isNaN(x[i]) ? (short) 0x7E00 : ReducedFloats.toFloat16(x[i]);
    }
    assertEquals(torch.get("bfloat16_encode"), digest(bf16), "float32 → bfloat16 over every input");
    assertEquals(torch.get("float16_encode"), digest(fp16), "float32 → float16 over every input");
  }

  @Test
  void decodingEveryPatternMatchesPyTorch() throws Exception {
    Map<String, String> torch = reference();
    for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
      ByteBuffer out = ByteBuffer.allocate(4 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (int h = 0; h < 1 << 16; h++) {
        float f = ReducedFloats.fromBits(dtype, (short) h);
        out.putInt(Float.isNaN(f) ? 0x7FC00000 : Float.floatToRawIntBits(f));
      }
      assertEquals(torch.get(dtype.label() + "_decode"), sha256(out.array()), dtype + " → float32, all 65536");
    }
  }

  @Test
  void specialValues() {
    // bfloat16: ties go to the even mantissa; the largest float rounds up to infinity; subnormals keep their bits.
    assertEquals((short) 0x3F80, ReducedFloats.toBfloat16(Float.intBitsToFloat(0x3F808000)), "tie to even (down)");
    assertEquals((short) 0x3F82, ReducedFloats.toBfloat16(Float.intBitsToFloat(0x3F818000)), "tie to even (up)");
    assertEquals((short) 0x7F80, ReducedFloats.toBfloat16(Float.MAX_VALUE), "overflow to +inf");
    assertEquals((short) 0xFF80, ReducedFloats.toBfloat16(Float.NEGATIVE_INFINITY), "-inf");
    assertEquals((short) 0x8000, ReducedFloats.toBfloat16(-0f), "-0");
    assertEquals((short) 0x0001, ReducedFloats.toBfloat16(Float.intBitsToFloat(0x00010000)), "subnormal");
    assertTrue(Float.isNaN(ReducedFloats.fromBfloat16(ReducedFloats.toBfloat16(Float.NaN))), "NaN stays NaN");
    // float16: 65504 is the largest finite; 65520 is the tie between it and 65536 (inf), so it rounds to inf.
    assertEquals((short) 0x7BFF, ReducedFloats.toFloat16(65504f), "max finite");
    assertEquals((short) 0x7BFF, ReducedFloats.toFloat16(65519.996f), "just below the overflow tie");
    assertEquals((short) 0x7C00, ReducedFloats.toFloat16(65520f), "overflow tie to +inf");
    assertEquals((short) 0x0001, ReducedFloats.toFloat16(0x1p-24f), "smallest subnormal");
    assertEquals((short) 0x0000, ReducedFloats.toFloat16(0x1p-25f), "half the smallest subnormal ties to 0");
    assertEquals((short) 0x0002, ReducedFloats.toFloat16(0x3p-25f), "1.5 subnormal steps tie to 2");
    assertEquals((short) 0x8000, ReducedFloats.toFloat16(-1e-30f), "underflow keeps the sign");
    assertTrue(Float.isNaN(ReducedFloats.fromFloat16(ReducedFloats.toFloat16(Float.NaN))), "NaN stays NaN");
    assertEquals(0x1p-24f, ReducedFloats.fromFloat16((short) 1), "subnormal decodes exactly");
    assertEquals(Float.NEGATIVE_INFINITY, ReducedFloats.fromFloat16((short) 0xFC00), "-inf decodes");
    // A double goes through float32 first, as c10's casts do: this one rounds up twice.
    double d = 1 + 0x1p-8 + 0x1p-30;
    assertEquals(1.0, ReducedFloats.round(DType.BFLOAT16, d), "double → float32 (a tie) → bfloat16 (to even)");
  }

  /** The inputs reduced_floats_reference.py builds, in its order. */
  private static float[] encodeInputs() {
    int n = (1 << 20) + 3 * (1 << 16) + (1 << 19) + (1 << 12);
    float[] x = new float[n];
    int at = 0;
    for (long i = 0; i < 1 << 20; i++) {
      x[at++] = Float.intBitsToFloat((int) (i * 0x9E3779B1L));
    }
    for (int low : new int[] {0x7FFF, 0x8000, 0x8001}) {
      for (int h = 0; h < 1 << 16; h++) {
        x[at++] = Float.intBitsToFloat((h << 16) | low);
      }
    }
    for (int h = 0; h < 1 << 19; h++) {
      x[at++] = Float.intBitsToFloat((h << 13) | 0x1000);
    }
    for (int k = 0; k < 1 << 12; k++) {
      x[at++] = k * 0x1p-25f;
    }
    return x;
  }

  private static String digest(short[] bits) throws NoSuchAlgorithmException {
    ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asShortBuffer().put(bits);
    return sha256(b.array());
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static Map<String, String> reference() throws IOException {
    Map<String, String> m = new HashMap<>();
    try (InputStream in = ReducedFloatsTest.class.getResourceAsStream("reduced_floats_reference.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] kv = line.split(" ");
          m.put(kv[0], kv[1]);
        }
      }
    }
    return m;
  }
}
