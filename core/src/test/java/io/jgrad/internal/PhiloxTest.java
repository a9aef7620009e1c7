package io.jgrad.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.spi.Distribution;
import org.junit.jupiter.api.Test;

/**
 * Philox4x32-10 against the known answers of Random123's {@code tests/kat_vectors} (counter, key → the four words),
 * and the element-to-word layout of the uniform draws.
 */
class PhiloxTest {

  @Test
  void blocksMatchRandom123sKnownAnswers() {
    assertWords(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
    assertWords(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, Philox.block(-1, -1, -1, -1, -1, -1));
    assertWords(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
        Philox.block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    // The seed and the counter split into their low and high words as the key and the first two counter words.
    assertArrayEquals(Philox.block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0, 0),
        Philox.block(0x299f31d0_a4093822L, 0x85a308d3_243f6a88L));
  }

  @Test
  void uniformDrawsTakeTheFourWordsOfEachBlockInTurn() {
    long seed = 0x1234_5678_9ABC_DEF0L;
    for (long counter : new long[] {0, 1, (1L << 62) - 1, -1L >>> 2}) {
      long[] words = Philox.block(seed, counter);
      long[] expected = {words[0] & 0xFFFFFFFFL, words[0] >>> 32, words[1] & 0xFFFFFFFFL, words[1] >>> 32};
      for (int w = 0; w < 4; w++) {
        long i = counter * 4 + w; // for the last counter, the elements −4 … −1: 2⁶⁴ − 4 … 2⁶⁴ − 1 unsigned
        assertEquals(expected[w], Philox.uniformWord(seed, i), "counter " + counter + " word " + w);
        assertEquals(-1 + 3 * (expected[w] / 4294967296.0), Philox.sample(Distribution.UNIFORM, -1, 2, seed, i));
      }
    }
  }

  @Test
  void normalDrawsTakeTheFirstTwoWordsOfTheirOwnBlock() {
    long seed = 99;
    for (long i : new long[] {0, 1, 5, -1}) {
      long bits = Philox.block(seed, i)[0];
      double u1 = ((bits & 0xFFFFFFFFL) + 1) / 4294967296.0;
      double u2 = (bits >>> 32) / 4294967296.0;
      double expected = 0.5 + 2 * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
      assertEquals(expected, Philox.sample(Distribution.NORMAL, 0.5, 2, seed, i), "element " + i);
    }
  }

  private static void assertWords(int[] expected, long[] block) {
    assertArrayEquals(expected, new int[] {(int) block[0], (int) (block[0] >>> 32), (int) block[1],
        (int) (block[1] >>> 32)});
  }
}
