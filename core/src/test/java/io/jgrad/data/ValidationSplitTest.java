package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {
  /** 50 examples of 2 features; example i holds (i, -i) and label i % 5, so each row says where it came from. */
  private static LabeledData numbered() {
    float[] x = new float[100];
    int[] y = new int[50];
    for (int i = 0; i < 50; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 5;
    }
    return new LabeledData(x, y, 2, 5);
  }

  @Test
  void theTwoPartsAreDisjointCoverTheSetAndKeepEachRowWhole() {
    ValidationSplit s = ValidationSplit.carve(numbered(), 0.2, 7);
    assertEquals(40, s.train().size());
    assertEquals(10, s.validation().size());
    int[] all = IntStream.concat(origins(s.train()), origins(s.validation())).sorted().toArray();
    assertArrayEquals(IntStream.range(0, 50).toArray(), all);
    int[] held = origins(s.validation()).toArray();
    for (int i = 0; i < held.length; i++) {
      assertEquals(-held[i], s.validation().features()[2 * i + 1]);
      assertEquals(held[i] % 5, s.validation().labels()[i]);
    }
    assertArrayEquals(Arrays.stream(held).sorted().toArray(), held); // original order kept
  }

  @Test
  void theSameSeedCarvesTheSameSplitAndAnotherSeedAnother() {
    int[] a = origins(ValidationSplit.carve(numbered(), 0.2, 7).validation()).toArray();
    int[] b = origins(ValidationSplit.carve(numbered(), 0.2, 7).validation()).toArray();
    int[] c = origins(ValidationSplit.carve(numbered(), 0.2, 8).validation()).toArray();
    assertArrayEquals(a, b);
    assertNotEquals(Arrays.toString(a), Arrays.toString(c));
  }

  @Test
  void eachPartNeedsAnExample() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.carve(numbered(), 0.001, 1));
    assertEquals("a validation fraction of 0.001 of 50 examples leaves 0 to validate and 50 to train; each part "
        + "needs at least one", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ValidationSplit.carve(numbered(), 1.0, 1));
  }

  private static IntStream origins(LabeledData d) {
    return IntStream.range(0, d.size()).map(i -> (int) d.features()[2 * i]);
  }
}
