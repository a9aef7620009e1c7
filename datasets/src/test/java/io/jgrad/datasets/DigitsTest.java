package io.jgrad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import io.jgrad.data.TrainTestSplit;
import org.junit.jupiter.api.Test;

/** The bundled digits load from the jar as PROVENANCE.md describes them. */
class DigitsTest {

  @Test
  void eightThousandTrainingAndTwoThousandTestDigitsOf784PixelsInZeroToOne() {
    TrainTestSplit digits = Digits.load();
    assertEquals(8000, digits.train().size());
    assertEquals(2000, digits.test().size());
    for (LabeledData part : new LabeledData[] {digits.train(), digits.test()}) {
      assertEquals(Digits.FEATURES, part.featureSize());
      assertEquals(Digits.CLASSES, part.numClasses());
      for (float v : part.features()) {
        assertTrue(v >= 0 && v <= 1, "pixel " + v);
      }
    }
  }

  @Test
  void everyClassAppearsAsPublishedForTheTenThousand() {
    TrainTestSplit digits = Digits.load();
    int[] counts = new int[Digits.CLASSES];
    for (int label : digits.train().labels()) {
      counts[label]++;
    }
    for (int label : digits.test().labels()) {
      counts[label]++;
    }
    assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, counts);
  }

  @Test
  void eachLoadIsFreshSoStandardisingOneLeavesTheNextIntact() {
    TrainTestSplit first = Digits.load();
    first.standardize(1);
    TrainTestSplit second = Digits.load();
    assertNotSame(first.train().features(), second.train().features());
    float max = 0;
    for (float v : second.train().features()) {
      max = Math.max(max, v);
    }
    assertEquals(1f, max);
  }
}
