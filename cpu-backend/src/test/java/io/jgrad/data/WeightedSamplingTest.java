package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Scope;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Epochs of rows drawn by weight ({@link DataLoader.Builder#sampleWeights}, {@link DataLoader.Builder#balanceClasses}).
 */
class WeightedSamplingTest extends ReferenceBackendTest {
  /** Rows are drawn in proportion to their weights; a row of weight 0 never. */
  @Test
  void rowsComeInProportionToTheirWeights() {
    int[] rows = Shuffle.weighted(new double[] {0, 1, 0, 3, 0}, 40_000, new SplittableRandom(7));
    int[] counts = new int[5];
    for (int r : rows) {
      counts[r]++;
    }
    assertEquals(0, counts[0] + counts[2] + counts[4], Arrays.toString(counts));
    assertEquals(0.75, counts[3] / 40_000.0, 0.01, Arrays.toString(counts)); // 12 standard deviations: 0.00217
    assertArrayEquals(rows, Shuffle.weighted(new double[] {0, 1, 0, 3, 0}, 40_000, new SplittableRandom(7)));
  }

  /**
   * 900 examples of class 0 and 100 of class 1, balanced: each epoch about half of each (the binomial's standard
   * deviation is 0.016 of the epoch), the same rows for the same (seed, epoch), other rows for another epoch.
   */
  @Test
  void balancedClassesComeEquallyOften() {
    int n = 1000;
    float[] x = new float[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = i < 900 ? 0 : 1;
    }
    LabeledData data = new LabeledData(x, y, 1, 2);
    try (DataLoader loader = DataLoader.builder(data).batchSize(100).seed(3).balanceClasses().build(backend)) {
      int[] first = rows(loader, 0);
      long rare = Arrays.stream(first).filter(r -> r >= 900).count();
      assertEquals(0.5, rare / (double) n, 0.06, "rare rows in the epoch: " + rare);
      assertEquals(10, loader.batchesPerEpoch());
      assertArrayEquals(first, rows(loader, 0), "the same epoch, the same rows");
      assertFalse(Arrays.equals(first, rows(loader, 1)), "another epoch, other rows");
    }
    LabeledData targets = LabeledData.regression(x, x, 1, 1);
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(targets).balanceClasses());
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).sampleWeights(new double[3]));
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).sampleWeights(new double[n]));
    double[] negative = new double[n];
    Arrays.fill(negative, 1);
    negative[5] = -1;
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).sampleWeights(negative));
  }

  /** The rows of epoch {@code epoch}, by their one feature. */
  private static int[] rows(DataLoader loader, int epoch) {
    int[] out = new int[loader.data().size()];
    int k = 0;
    try (Scope ignored = Scope.open()) {
      for (Iterator<Batch> it = loader.epoch(epoch); it.hasNext(); ) {
        try (Batch b = it.next()) {
          for (float v : b.features().toFloatArray()) {
            out[k++] = (int) v;
          }
        }
      }
    }
    return out;
  }
}
