package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ReducedFloats}' conversions a vector at a time, bit for bit the same: float32 → bfloat16/float16 rounds to
 * nearest even (NaN to the same quiet patterns, overflow to ±Inf, float16 subnormals), 16 bits → float32 is exact.
 * The float16 routines are ReducedFloats' FP16 ports lane-wise: float arithmetic does the ties-to-even work.
 *
 * <p>A vector of {@link #F}'s lanes converts to and from a short vector of the same lane count, half the bits
 * ({@link #S}); only {@code IntVector} and {@code ShortVector} change shape, never {@code FloatVector} (a second
 * float shape cost C2 its one-implementation proof for FloatVector: see docs/benchmarks.md, VectorPhilox).
 *
 * <p>Only arrays cross these methods' boundaries, and each loop holds its conversion's vector code itself: C2
 * inlines an ordinary helper only within budgets it sets per JVM from the profile, and a helper taking or returning
 * a vector that is left out of line boxes that vector on every call (a 46-byte load helper, not inlined into the
 * GEMM's B pack in some JVMs, made the bf16 recipe step allocate 2 MB; docs/benchmarks.md, "16-bit conversions
 * without boxed vectors").
 */
final class VectorReducedFloats {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = F.vectorShape().withLanes(int.class);
  private static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final int L = F.length();
  /**
   * The Vector API's unsigned comparisons, named UNSIGNED_LT and UNSIGNED_GT in JDK 17 and ULT and UGT from JDK 20 on
   * (the old names gone by 25): looked up by name, so that one build compiles and runs on both. Static finals, so C2
   * sees constant operators and intrinsifies the comparisons (a flipped-sign signed comparison instead cost the fp16
   * recipe a fifth of its speed: the extra nodes pushed callers past C2's inlining budget into boxed fallbacks).
   */
  private static final VectorOperators.Comparison UNSIGNED_LT = comparison("ULT", "UNSIGNED_LT");
  private static final VectorOperators.Comparison UNSIGNED_GT = comparison("UGT", "UNSIGNED_GT");

  private VectorReducedFloats() {}

  private static VectorOperators.Comparison comparison(String... names) {
    for (String name : names) {
      try {
        return (VectorOperators.Comparison) VectorOperators.class.getField(name).get(null);
      } catch (NoSuchFieldException e) {
        // the other JDK's name: try the next
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("VectorOperators." + name + " is not readable", e);
      }
    }
    throw new IllegalStateException("jdk.incubator.vector's VectorOperators has none of " + String.join(", ", names));
  }

  /** dst[dstOff + i] = src[srcOff + i] rounded to {@code type} (BFLOAT16 or FLOAT16) for i &lt; n. */
  static void round(DType type, float[] src, int srcOff, short[] dst, int dstOff, int n) {
    if (type == DType.BFLOAT16) {
      toBfloat16(src, srcOff, dst, dstOff, n);
    } else {
      toFloat16(src, srcOff, dst, dstOff, n);
    }
  }

  /** dst[dstOff + i] = src[srcOff + i] of {@code type} (BFLOAT16 or FLOAT16) widened to float32 for i &lt; n. */
  static void widen(DType type, short[] src, int srcOff, float[] dst, int dstOff, int n) {
    if (type == DType.BFLOAT16) {
      fromBfloat16(src, srcOff, dst, dstOff, n);
    } else {
      fromFloat16(src, srcOff, dst, dstOff, n);
    }
  }

  /** ReducedFloats.toBfloat16 a vector at a time. */
  private static void toBfloat16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
    int i = 0;
    for (; i < F.loopBound(n); i += L) {
      FloatVector x = FloatVector.fromArray(F, src, srcOff + i);
      IntVector bits = x.reinterpretAsInts();
      IntVector bias = bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF);
      IntVector rounded = bits.add(bias).lanewise(VectorOperators.LSHR, 16);
      rounded = rounded.blend(0x7FC0, x.test(VectorOperators.IS_NAN).cast(I));
      ((ShortVector) rounded.convertShape(VectorOperators.I2S, S, 0)).intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = ReducedFloats.toBfloat16(src[srcOff + i]);
    }
  }

  /** ReducedFloats.toFloat16 (fp16_ieee_from_fp32_value) a vector at a time. */
  private static void toFloat16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
    int i = 0;
    for (; i < F.loopBound(n); i += L) {
      FloatVector x = FloatVector.fromArray(F, src, srcOff + i);
      FloatVector base = x.abs().mul(0x1.0p+112f).mul(0x1.0p-110f);
      IntVector w = x.reinterpretAsInts();
      IntVector shl1W = w.add(w);
      IntVector sign = w.and(0x80000000);
      IntVector bias = shl1W.and(0xFF000000);
      bias = bias.blend(0x71000000, bias.compare(UNSIGNED_LT, 0x71000000));
      base = bias.lanewise(VectorOperators.LSHR, 1).add(0x07800000).reinterpretAsFloats().add(base);
      IntVector b = base.reinterpretAsInts();
      IntVector nonSign = b.lanewise(VectorOperators.LSHR, 13).and(0x00007C00).add(b.and(0x00000FFF));
      VectorMask<Integer> nan = shl1W.compare(UNSIGNED_GT, 0xFF000000);
      IntVector bits = sign.lanewise(VectorOperators.LSHR, 16).or(nonSign.blend(0x7E00, nan));
      ((ShortVector) bits.convertShape(VectorOperators.I2S, S, 0)).intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = ReducedFloats.toFloat16(src[srcOff + i]);
    }
  }

  /** ReducedFloats.fromBfloat16 a vector at a time: the 16 bits above 16 zeros. */
  private static void fromBfloat16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (; i < F.loopBound(n); i += L) {
      IntVector h = (IntVector) ShortVector.fromArray(S, src, srcOff + i).convertShape(VectorOperators.S2I, I, 0);
      h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = ReducedFloats.fromBfloat16(src[srcOff + i]);
    }
  }

  /** ReducedFloats.fromFloat16 (fp16_ieee_to_fp32_value) a vector at a time; the 16 bits load sign-extended. */
  private static void fromFloat16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (; i < F.loopBound(n); i += L) {
      IntVector h = (IntVector) ShortVector.fromArray(S, src, srcOff + i).convertShape(VectorOperators.S2I, I, 0);
      IntVector w = h.lanewise(VectorOperators.LSHL, 16);
      IntVector sign = w.and(0x80000000);
      IntVector twoW = w.add(w);
      FloatVector normalized =
          twoW.lanewise(VectorOperators.LSHR, 4).add(0xE0 << 23).reinterpretAsFloats().mul(0x1.0p-112f);
      FloatVector denormalized =
          twoW.lanewise(VectorOperators.LSHR, 17).or(126 << 23).reinterpretAsFloats().sub(0.5f);
      VectorMask<Integer> small = twoW.compare(UNSIGNED_LT, 1 << 27);
      IntVector magnitude = normalized.reinterpretAsInts().blend(denormalized.reinterpretAsInts(), small);
      sign.or(magnitude).reinterpretAsFloats().intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = ReducedFloats.fromFloat16(src[srcOff + i]);
    }
  }
}
