package io.jgrad.cpu;

import io.jgrad.spi.Distribution;
import io.jgrad.internal.Philox;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Uniform float32 samples of {@link Philox} in SIMD, bit-identical to {@link Philox#sample}: one Philox4x32-10 block
 * per lane, the 32-bit words held in 64-bit lanes so that a lane multiply gives the full 32×32 → 64-bit product
 * (its high and low words are what a Philox round needs); each block's four words are four elements' draws, u =
 * x·2⁻³², a + (b − a)·u in double and rounded to float as the reference does. Dropout draws a mask element per
 * activation every step; in scalar Java those draws took more of a recipe step than its GEMMs.
 */
final class VectorPhilox {
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
  private static final int L = LONGS.length();
  /** Elements per {@link #fourWords} call: two vectors of counters, four words each. A divisor of SplitLoop.PIECE. */
  private static final int BLOCK = 8 * L;
  private static final long M0 = 0xD2511F53L;
  private static final long M1 = 0xCD9E8D57L;
  private static final long W0 = 0x9E3779B9L;
  private static final long W1 = 0xBB67AE85L;
  private static final long LOW = 0xFFFFFFFFL;
  /** The counters of a 2⁶⁴-element stream: 2⁶² of them. */
  private static final long COUNTERS = (1L << 62) - 1;
  private static final double TWO_POW_MINUS_32 = 1.0 / 4294967296.0;
  private static final LongVector IOTA = LongVector.zero(LONGS).addIndex(1);

  private VectorPhilox() {}

  /** A buffer for {@link #uniform}. */
  static double[] block() {
    return new double[BLOCK];
  }

  /**
   * out[i] = (float) Philox.sample(UNIFORM, a, b, seed, offset + i) for from ≤ i &lt; to, drawn through {@code
   * block} (from {@link #block}; not shared between threads). Every element's value depends only on its index, so
   * a loop split anywhere gives the same bits.
   */
  static void uniform(double a, double b, long seed, long offset, float[] out, int from, int to, double[] block) {
    // Only double and long vectors here, of the preferred shape, never a convertShape to floats: a second FloatVector
    // class (a half-width float species, or one a shape-changing conversion loads) ends C2's proof that FloatVector
    // has one implementation, and every float kernel's loads and stores fell back to boxed Java (2 MB a step).
    int i = from;
    for (; i < to && ((offset + i) & 3) != 0; i++) { // up to a block's first word
      out[i] = (float) Philox.sample(Distribution.UNIFORM, a, b, seed, offset + i);
    }
    for (; i <= to - BLOCK; i += BLOCK) {
      fourWords(seed, (offset + i) >>> 2, a, b, block);
      // block holds word w of counter c at w·2L + c; element 4c + w of this stretch is its draw.
      for (int c = 0; c < 2 * L; c++) {
        out[i + 4 * c] = (float) block[c];
        out[i + 4 * c + 1] = (float) block[2 * L + c];
        out[i + 4 * c + 2] = (float) block[4 * L + c];
        out[i + 4 * c + 3] = (float) block[6 * L + c];
      }
    }
    for (; i < to; i++) {
      out[i] = (float) Philox.sample(Distribution.UNIFORM, a, b, seed, offset + i);
    }
  }

  /**
   * Philox4x32-10's four words for the counters first … first + 2L − 1, each as a + (b − a)·x·2⁻³², word w of
   * counter first + c into block[w·2L + c]: two vectors of counters go through the rounds side by side, so that one's
   * multiplies run while the other's wait (1.2× over one vector at a time).
   */
  private static void fourWords(long seed, long first, double a, double b, double[] block) {
    // A counter is an element's index over 4; indices wrap past 2⁶⁴ as Java's long does, so counters wrap past 2⁶².
    LongVector counterA = IOTA.add(first).and(COUNTERS);
    LongVector counterB = IOTA.add(first + L).and(COUNTERS);
    LongVector a0 = counterA.and(LOW);
    LongVector a1 = counterA.lanewise(VectorOperators.LSHR, 32);
    LongVector b0 = counterB.and(LOW);
    LongVector b1 = counterB.lanewise(VectorOperators.LSHR, 32);
    LongVector a2 = LongVector.zero(LONGS);
    LongVector a3 = a2;
    LongVector b2 = a2;
    LongVector b3 = a2;
    long k0 = seed & LOW;
    long k1 = seed >>> 32;
    for (int round = 0; round < 10; round++) {
      LongVector pa0 = a0.mul(M0); // both factors < 2³², so the 64-bit lane holds the whole product
      LongVector pa1 = a2.mul(M1);
      LongVector pb0 = b0.mul(M0);
      LongVector pb1 = b2.mul(M1);
      LongVector na0 = pa1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a1)
          .lanewise(VectorOperators.XOR, k0);
      LongVector nb0 = pb1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b1)
          .lanewise(VectorOperators.XOR, k0);
      LongVector na2 = pa0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a3)
          .lanewise(VectorOperators.XOR, k1);
      LongVector nb2 = pb0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b3)
          .lanewise(VectorOperators.XOR, k1);
      a1 = pa1.and(LOW);
      a3 = pa0.and(LOW);
      a0 = na0;
      a2 = na2;
      b1 = pb1.and(LOW);
      b3 = pb0.and(LOW);
      b0 = nb0;
      b2 = nb2;
      k0 = (k0 + W0) & LOW;
      k1 = (k1 + W1) & LOW;
    }
    // a + (b − a)·x·2⁻³², the reference's order of operations, in double. Written here rather than in a method
    // taking the vector: whether C2 inlines a call into this already large method is its choice, and a vector passed
    // to a call that is not inlined is boxed (1.1 MB a CNN step in 1 JVM of 13; docs/benchmarks.md).
    double range = b - a;
    ((DoubleVector) a0.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a).intoArray(block, 0);
    ((DoubleVector) b0.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a).intoArray(block, L);
    ((DoubleVector) a1.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 2 * L);
    ((DoubleVector) b1.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 3 * L);
    ((DoubleVector) a2.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 4 * L);
    ((DoubleVector) b2.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 5 * L);
    ((DoubleVector) a3.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 6 * L);
    ((DoubleVector) b3.convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32).mul(range).add(a)
        .intoArray(block, 7 * L);
  }
}
