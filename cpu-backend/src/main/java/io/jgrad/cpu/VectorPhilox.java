package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.spi.ReducedFloats;
import io.jgrad.internal.Philox;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Uniform float32 samples of {@link Philox} in SIMD, bit-identical to {@link Philox#sample}: one Philox4x32-10 block
 * per lane, the 32-bit words held in 64-bit lanes so that a lane multiply gives the full 32×32 → 64-bit product
 * (its high and low words are what a Philox round needs); each block's four words are four elements' draws, u =
 * x·2⁻³², a + (b − a)·u in double and rounded to float as the reference does. Dropout draws a mask element per
 * activation every step; in scalar Java those draws took more of a recipe step than its GEMMs.
 *
 * <p>Long vectors of the preferred shape only; the dropout mask reinterprets them as floats of that same shape.
 * Never a shape-changing conversion to floats: a second FloatVector class ends C2's proof that FloatVector has one
 * implementation, and every float kernel's loads and stores fell back to boxed Java (2 MB a step).
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

  /** With {@link #ODD_LANES}, zips two vectors: lane j of the result is lane j / 2 of the first (j even) or second. */
  private static final VectorShuffle<Long> SPREAD_LOW = spread(0);
  /** The same for their upper halves: lane j is lane L / 2 + j / 2. */
  private static final VectorShuffle<Long> SPREAD_HIGH = spread(L / 2);
  private static final VectorMask<Long> ODD_LANES = VectorMask.fromLong(LONGS, 0xAAAAAAAAAAAAAAAAL & ((1L << L) - 1));

  private VectorPhilox() {}

  /** One thread's scratch for {@link #uniform} and {@link #dropoutMask}: a call's words, and the uniform's draws. */
  record Block(long[] words, double[] draws) {}

  static Block block() {
    return new Block(new long[BLOCK], new double[BLOCK]);
  }

  private static VectorShuffle<Long> spread(int first) {
    int[] lanes = new int[L];
    for (int j = 0; j < L; j++) {
      lanes[j] = first + j / 2;
    }
    return VectorShuffle.fromArray(LONGS, lanes, 0);
  }

  /**
   * out[i] = (float) Philox.sample(UNIFORM, a, b, seed, offset + i) for from ≤ i &lt; to, drawn through {@code
   * block} (from {@link #block}; not shared between threads). Every element's value depends only on its index, so
   * a loop split anywhere gives the same bits.
   */
  static void uniform(double a, double b, long seed, long offset, float[] out, int from, int to, Block block) {
    double range = b - a;
    long[] words = block.words();
    double[] draws = block.draws();
    int i = from;
    for (; i < to && ((offset + i) & 3) != 0; i++) { // up to a block's first word
      out[i] = (float) Philox.sample(Distribution.UNIFORM, a, b, seed, offset + i);
    }
    for (; i <= to - BLOCK; i += BLOCK) {
      fourWords(seed, (offset + i) >>> 2, words);
      // a + (b − a)·x·2⁻³², the reference's arithmetic in double (the power of two scales exactly, so its place in the
      // product is free), a vector at a time.
      for (int v = 0; v < BLOCK; v += L) {
        ((DoubleVector) LongVector.fromArray(LONGS, words, v).convert(VectorOperators.L2D, 0)).mul(TWO_POW_MINUS_32)
            .mul(range).add(a).intoArray(draws, v);
      }
      // draws holds word w of counter c at w·2L + c; element 4c + w of this stretch is its draw.
      for (int c = 0; c < 2 * L; c++) {
        out[i + 4 * c] = (float) draws[c];
        out[i + 4 * c + 1] = (float) draws[2 * L + c];
        out[i + 4 * c + 2] = (float) draws[4 * L + c];
        out[i + 4 * c + 3] = (float) draws[6 * L + c];
      }
    }
    for (; i < to; i++) {
      out[i] = (float) Philox.sample(Distribution.UNIFORM, a, b, seed, offset + i);
    }
  }

  /**
   * The least 32-bit word x whose uniform draw (float) (x·2⁻³²), stored in {@code type} (FLOAT32, or rounded to a
   * 16-bit type as a buffer of it keeps it), is at least p; 2³² where none is: the stored draw is monotone in x, so it
   * reaches p exactly where x is at least this threshold.
   */
  static long keepThreshold(DType type, float p) {
    long low = 0;
    long high = 1L << 32;
    while (low < high) {
      long mid = (low + high) >>> 1;
      if (stored(type, (float) (mid * TWO_POW_MINUS_32)) >= p) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /** u as a buffer of {@code type} keeps it, widened back to float. */
  private static float stored(DType type, float u) {
    return type == DType.FLOAT32 ? u : ReducedFloats.fromBits(type, ReducedFloats.toBits(type, u));
  }

  /**
   * out[i] = u ≥ p ? keep : 0 for from ≤ i &lt; to, u = (float) Philox.sample(UNIFORM, 0, 1, seed, offset + i): the
   * uniform draw and DROPOUT_MASK in one pass, with the same bits. Whole blocks compare each word with {@code
   * threshold} ({@link #keepThreshold} of p) as integers and store the masks as float bits, two elements to a long
   * lane; the float draws, their conversions and the scalar stores of {@link #uniform} are skipped.
   */
  static void dropoutMask(float p, long threshold, float keep, long seed, long offset, float[] out, int from, int to,
      Block scratch) {
    long[] block = scratch.words();
    long keepBits = Float.floatToRawIntBits(keep) & LOW;
    int i = from;
    for (; i < to && ((offset + i) & 3) != 0; i++) {
      out[i] = drawn(p, keep, seed, offset + i);
    }
    for (; i <= to - BLOCK; i += BLOCK) {
      fourWords(seed, (offset + i) >>> 2, block);
      masks(block, threshold, keepBits);
      // Per vector of counters h: a lane of m01 holds elements 4c and 4c + 1 as two floats (little-endian: the low half
      // first), of m23 elements 4c + 2 and 4c + 3; zipped, they are the elements in order. The same shape reinterpreted
      // as floats is the preferred float species (the class comment says why that matters). Written out rather than in
      // a method taking vectors: one that C2 left uninlined boxed each vector (12 ns a draw against 1.1).
      for (int h = 0; h < 2; h++) {
        LongVector m01 = LongVector.fromArray(LONGS, block, 2 * L + h * L).lanewise(VectorOperators.LSHL, 32)
            .or(LongVector.fromArray(LONGS, block, h * L));
        LongVector m23 = LongVector.fromArray(LONGS, block, 6 * L + h * L).lanewise(VectorOperators.LSHL, 32)
            .or(LongVector.fromArray(LONGS, block, 4 * L + h * L));
        m01.rearrange(SPREAD_LOW).blend(m23.rearrange(SPREAD_LOW), ODD_LANES).reinterpretAsFloats()
            .intoArray(out, i + 4 * L * h);
        m01.rearrange(SPREAD_HIGH).blend(m23.rearrange(SPREAD_HIGH), ODD_LANES).reinterpretAsFloats()
            .intoArray(out, i + 4 * L * h + 2 * L);
      }
    }
    for (; i < to; i++) {
      out[i] = drawn(p, keep, seed, offset + i);
    }
  }

  /**
   * Each word of a block into its mask, keepBits where the word is at least threshold, else 0, in place: by the sign
   * of x − threshold (x &lt; 2³², threshold ≤ 2³²).
   */
  private static void masks(long[] block, long threshold, long keepBits) {
    for (int v = 0; v < BLOCK; v += L) {
      LongVector.fromArray(LONGS, block, v).sub(threshold).lanewise(VectorOperators.LSHR, 63).sub(1L).and(keepBits)
          .intoArray(block, v);
    }
  }

  /** One element of {@link #dropoutMask} from the reference draw. */
  private static float drawn(float p, float keep, long seed, long element) {
    return (float) Philox.sample(Distribution.UNIFORM, 0, 1, seed, element) >= p ? keep : 0f;
  }

  /**
   * {@link #dropoutMask} for a 16-bit mask of {@code type}: what the uniform draw into a buffer of that type and then
   * DROPOUT_MASK leave there (the draw rounded to 16 bits before it is compared, the keep scale rounded as stored),
   * bit for bit; {@code threshold} is {@link #keepThreshold} of type and p, {@code keep} the stored keep scale's bits.
   */
  static void dropoutMask16(DType type, float p, long threshold, short keep, long seed, long offset, short[] out,
      int from, int to, Block scratch) {
    long[] block = scratch.words();
    int i = from;
    for (; i < to && ((offset + i) & 3) != 0; i++) {
      out[i] = drawn16(type, p, keep, seed, offset + i);
    }
    for (; i <= to - BLOCK; i += BLOCK) {
      fourWords(seed, (offset + i) >>> 2, block);
      masks(block, threshold, keep & 0xFFFFL);
      // block holds word w of counter c at w·2L + c; element 4c + w of this stretch is its mask.
      for (int c = 0; c < 2 * L; c++) {
        out[i + 4 * c] = (short) block[c];
        out[i + 4 * c + 1] = (short) block[2 * L + c];
        out[i + 4 * c + 2] = (short) block[4 * L + c];
        out[i + 4 * c + 3] = (short) block[6 * L + c];
      }
    }
    for (; i < to; i++) {
      out[i] = drawn16(type, p, keep, seed, offset + i);
    }
  }

  /** One element of {@link #dropoutMask16} from the reference draw. */
  private static short drawn16(DType type, float p, short keep, long seed, long element) {
    float u = (float) Philox.sample(Distribution.UNIFORM, 0, 1, seed, element);
    return stored(type, u) >= p ? keep : 0;
  }

  /**
   * Philox4x32-10's four words for the counters first … first + 2L − 1, word w of counter first + c into
   * block[w·2L + c]: two vectors of counters go through the rounds side by side, so that one's multiplies run while
   * the other's wait (1.2× over one vector at a time).
   */
  private static void fourWords(long seed, long first, long[] block) {
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
    a0.intoArray(block, 0);
    b0.intoArray(block, L);
    a1.intoArray(block, 2 * L);
    b1.intoArray(block, 3 * L);
    a2.intoArray(block, 4 * L);
    b2.intoArray(block, 5 * L);
    a3.intoArray(block, 6 * L);
    b3.intoArray(block, 7 * L);
  }
}
