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
 * (its high and low words are what a Philox round needs), then u = x0·2⁻³², a + (b − a)·u in double and rounded to
 * float as the reference does. Dropout draws a mask element per activation every step; in scalar Java those draws
 * took more of a recipe step than its GEMMs.
 */
final class VectorPhilox {
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
  private static final int L = LONGS.length();
  /** Samples per block: drawn in double into a small buffer, then rounded to float by a plain loop C2 vectorizes. */
  private static final int BLOCK = 32 * L;
  private static final long M0 = 0xD2511F53L;
  private static final long M1 = 0xCD9E8D57L;
  private static final long W0 = 0x9E3779B9L;
  private static final long W1 = 0xBB67AE85L;
  private static final long LOW = 0xFFFFFFFFL;
  private static final double TWO_POW_MINUS_32 = 1.0 / 4294967296.0;
  private static final LongVector IOTA = LongVector.zero(LONGS).addIndex(1);

  private VectorPhilox() {}

  /** out[i] = (float) Philox.sample(UNIFORM, a, b, seed, offset + i) for i &lt; n. */
  static void uniform(double a, double b, long seed, long offset, float[] out, int n) {
    // Only double and long vectors here, of the preferred shape, never a convertShape to floats: a second FloatVector
    // class (a half-width float species, or one a shape-changing conversion loads) ends C2's proof that FloatVector
    // has one implementation, and every float kernel's loads and stores fell back to boxed Java (2 MB a step).
    double[] block = new double[BLOCK];
    int i = 0;
    for (; i <= n - BLOCK; i += BLOCK) {
      for (int j = 0; j < BLOCK; j += L) {
        DoubleVector u = ((DoubleVector) firstWord(seed, offset + i + j).convert(VectorOperators.L2D, 0))
            .mul(TWO_POW_MINUS_32);
        u.mul(b - a).add(a).intoArray(block, j);  // a + (b − a)·u, the reference's order of operations
      }
      for (int j = 0; j < BLOCK; j++) {
        out[i + j] = (float) block[j];
      }
    }
    for (; i < n; i++) {
      out[i] = (float) Philox.sample(Distribution.UNIFORM, a, b, seed, offset + i);
    }
  }

  /** Philox4x32-10's first output word, unsigned, for the counters first … first + L − 1 (lane j: first + j). */
  private static LongVector firstWord(long seed, long first) {
    LongVector counter = IOTA.add(first);
    LongVector c0 = counter.and(LOW);
    LongVector c1 = counter.lanewise(VectorOperators.LSHR, 32);
    LongVector c2 = LongVector.zero(LONGS);
    LongVector c3 = c2;
    long k0 = seed & LOW;
    long k1 = seed >>> 32;
    for (int round = 0; round < 10; round++) {
      LongVector p0 = c0.mul(M0);  // both factors < 2³², so the 64-bit lane holds the whole product
      LongVector p1 = c2.mul(M1);
      LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(
          VectorOperators.XOR, k0);
      LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(
          VectorOperators.XOR, k1);
      c1 = p1.and(LOW);
      c3 = p0.and(LOW);
      c0 = n0;
      c2 = n2;
      k0 = (k0 + W0) & LOW;
      k1 = (k1 + W1) & LOW;
    }
    return c0;
  }
}
