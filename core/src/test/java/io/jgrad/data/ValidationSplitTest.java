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

  /** Regression data split as classification data are: each row keeps its targets (i/2 and −i here). */
  @Test
  void regressionRowsKeepTheirTargets() {
    LabeledData classes = numbered();
    float[] targets = new float[100];
    for (int i = 0; i < 50; i++) {
      targets[2 * i] = i / 2f;
      targets[2 * i + 1] = -i;
    }
    LabeledData values = LabeledData.regression(classes.features(), targets, 2, 2);
    ValidationSplit s = ValidationSplit.carve(values, 0.2, 7);
    assertArrayEquals(origins(ValidationSplit.carve(classes, 0.2, 7).validation()).toArray(),
        origins(s.validation()).toArray(), "the same rows as classification data of that size");
    for (LabeledData part : new LabeledData[] {s.train(), s.validation()}) {
      assertEquals(2, part.targetSize());
      int[] from = origins(part).toArray();
      for (int i = 0; i < from.length; i++) {
        assertEquals(from[i] / 2f, part.targets()[2 * i]);
        assertEquals(-from[i], part.targets()[2 * i + 1]);
      }
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.train().labels());
    assertEquals("regression data carry targets, not class labels", e.getMessage());
  }

  @Test
  void aTargetThatIsNotFiniteIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabeledData.regression(new float[4], new float[] {1, Float.NaN}, 2, 1));
    assertEquals("target NaN of example 1, expected a finite number", e.getMessage());
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
