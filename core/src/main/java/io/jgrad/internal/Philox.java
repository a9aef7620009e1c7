package io.jgrad.internal;

import io.jgrad.Backend;
import io.jgrad.spi.Distribution;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the counter-based generator
 * behind {@link Backend#random}. Stateless: the same (seed, counter) gives the same numbers on every backend,
 * which is what makes dropout masks replayable under gradient checkpointing.
 *
 * <p>A uniform draw takes one of the four 32-bit words of a block (element i: word i mod 4 of counter ⌊i/4⌋), as
 * cuRAND's {@code curand_uniform4} does, so a dropout mask costs a quarter of the rounds of one block per element; a
 * normal draw takes the first two words of its own block (counter i), for the Box–Muller transform.
 */
public final class Philox {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final double TWO_POW_MINUS_32 = 1.0 / 4294967296.0;

  private Philox() {}

  /**
   * The block for key (k0, k1) and counter (c0, c1, c2, c3): its four 32-bit words, word w in bits 32·(w mod 2) of
   * element w / 2 of the result (x0 | x1 << 32, x2 | x3 << 32).
   */
  static long[] block(int k0, int k1, int c0, int c1, int c2, int c3) {
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
      k0 += W0;
      k1 += W1;
    }
    return new long[] {(c0 & 0xFFFFFFFFL) | ((long) c1 << 32), (c2 & 0xFFFFFFFFL) | ((long) c3 << 32)};
  }

  /** The block of key = (lo, hi of {@code seed}) and counter = (lo, hi of {@code counter}, 0, 0). */
  public static long[] block(long seed, long counter) {
    return block((int) seed, (int) (seed >>> 32), (int) counter, (int) (counter >>> 32), 0, 0);
  }

  /** The 32-bit word of element {@code i}'s uniform draw: word i mod 4 of the block of counter ⌊i/4⌋, unsigned. */
  public static long uniformWord(long seed, long i) {
    long pair = block(seed, i >>> 2)[(int) (i >>> 1) & 1];
    return (i & 1) == 0 ? pair & 0xFFFFFFFFL : pair >>> 32;
  }

  /** Element {@code i}'s value as {@link Backend#random} defines it, in double. */
  public static double sample(Distribution dist, double a, double b, long seed, long i) {
    if (dist == Distribution.UNIFORM) {
      return a + (b - a) * (uniformWord(seed, i) * TWO_POW_MINUS_32);
    }
    long bits = block(seed, i)[0];
    long x0 = bits & 0xFFFFFFFFL;
    long x1 = bits >>> 32;
    double u1 = (x0 + 1) * TWO_POW_MINUS_32;
    double u2 = x1 * TWO_POW_MINUS_32;
    return a + b * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
