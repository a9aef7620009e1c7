package io.jgrad.internal;

import io.jgrad.Backend;
import io.jgrad.spi.Distribution;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the counter-based generator
 * behind {@link Backend#random}. Stateless: the same (seed, counter) gives the same numbers on every backend,
 * which is what makes dropout masks replayable under gradient checkpointing.
 */
public final class Philox {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final double TWO_POW_MINUS_32 = 1.0 / 4294967296.0;

  private Philox() {}

  /** The first two 32-bit outputs (x0, x1) for key = seed and counter = (lo, hi of {@code counter}, 0, 0). */
  public static long draw(long seed, long counter) {
    int c0 = (int) counter;
    int c1 = (int) (counter >>> 32);
    int c2 = 0;
    int c3 = 0;
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
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
    return (c0 & 0xFFFFFFFFL) | ((long) c1 << 32);
  }

  /** Element {@code i}'s value as {@link Backend#random} defines it, in double. */
  public static double sample(Distribution dist, double a, double b, long seed, long counter) {
    long bits = draw(seed, counter);
    long x0 = bits & 0xFFFFFFFFL;
    long x1 = bits >>> 32;
    if (dist == Distribution.UNIFORM) {
      return a + (b - a) * (x0 * TWO_POW_MINUS_32);
    }
    double u1 = (x0 + 1) * TWO_POW_MINUS_32;
    double u2 = x1 * TWO_POW_MINUS_32;
    return a + b * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
