package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Scope;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest extends ReferenceBackendTest {
  /** 10 examples of 2 features; example i is (i, −i) with label i mod 3. */
  private static final LabeledData DATA;

  static {
    float[] f = new float[20];
    int[] l = new int[10];
    for (int i = 0; i < 10; i++) {
      f[2 * i] = i;
      f[2 * i + 1] = -i;
      l[i] = i % 3;
    }
    DATA = new LabeledData(f, l, 2, 3);
  }

  /** The example ids of each batch, checking that features and labels travel together. */
  private static List<int[]> batches(DataLoader loader, int epoch, int first) {
    List<int[]> out = new ArrayList<>();
    try (Scope ignored = Scope.open()) {
      for (Iterator<Batch> it = loader.epoch(epoch, first); it.hasNext(); ) {
        try (Batch b = it.next()) {
          float[] x = b.features().toFloatArray();
          int[] y = b.labels().toIntArray();
          int[] ids = new int[b.size()];
          for (int r = 0; r < ids.length; r++) {
            ids[r] = (int) x[2 * r];
            assertEquals(-ids[r], x[2 * r + 1], 0f);
            assertEquals(ids[r] % 3, y[r]);
          }
          out.add(ids);
        }
      }
    }
    return out;
  }

  @Test
  void everyExampleOncePerEpochWithAShortLastBatch() {
    try (DataLoader loader = DataLoader.builder(DATA).batchSize(4).shuffle(true).seed(1).build(backend)) {
      List<int[]> b = batches(loader, 0, 0);
      assertEquals(3, loader.batchesPerEpoch());
      assertEquals(List.of(4, 4, 2), b.stream().map(a -> a.length).toList());
      int[] all = b.stream().flatMapToInt(Arrays::stream).sorted().toArray();
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
    }
  }

  @Test
  void shuffleIsSeededPerEpochAndResumable() {
    try (DataLoader a = DataLoader.builder(DATA).batchSize(3).shuffle(true).dropLast(true).seed(42).build(backend);
        DataLoader b = DataLoader.builder(DATA).batchSize(3).shuffle(true).dropLast(true).seed(42).build(backend)) {
      assertEquals(3, a.batchesPerEpoch());
      List<int[]> e0 = batches(a, 0, 0);
      List<int[]> e1 = batches(a, 1, 0);
      assertFalse(Arrays.equals(e0.get(0), e1.get(0)) && Arrays.equals(e0.get(1), e1.get(1)), "epochs differ");
      List<int[]> again = batches(b, 1, 0);
      for (int i = 0; i < e1.size(); i++) {
        assertArrayEquals(e1.get(i), again.get(i));
      }
      List<int[]> resumed = batches(b, 1, 1);
      assertEquals(2, resumed.size());
      assertArrayEquals(e1.get(1), resumed.get(0));
      assertArrayEquals(e1.get(2), resumed.get(1));
    }
  }

  /** for (Batch b : loader.batches(e)) walks epoch e as epoch(e) does, from its first batch on each loop. */
  @Test
  void batchesIsTheEpochForAForEachLoop() {
    try (DataLoader loader = DataLoader.builder(DATA).batchSize(4).shuffle(true).seed(3).build(backend);
        Scope ignored = Scope.open()) {
      Iterable<Batch> epoch2 = loader.batches(2);
      for (int pass = 0; pass < 2; pass++) {
        List<int[]> seen = new ArrayList<>();
        for (Batch b : epoch2) {
          try (b) {
            int[] ids = new int[b.size()];
            float[] x = b.features().toFloatArray();
            for (int r = 0; r < ids.length; r++) {
              ids[r] = (int) x[2 * r];
            }
            seen.add(ids);
          }
        }
        List<int[]> expected = batches(loader, 2, 0);
        assertEquals(expected.size(), seen.size());
        for (int i = 0; i < seen.size(); i++) {
          assertArrayEquals(expected.get(i), seen.get(i));
        }
      }
    }
  }

  @Test
  void withoutShuffleTheOrderIsTheDatasetsOrder() {
    try (DataLoader loader = DataLoader.builder(DATA).batchSize(5).build(backend)) {
      assertArrayEquals(new int[] {0, 1, 2, 3, 4}, batches(loader, 3, 0).get(0));
    }
  }

  @Test
  void batchSizeMustBePositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> DataLoader.builder(DATA).batchSize(0).shuffle(true).build(backend));
    assertEquals("batch size must be at least 1, got 0", e.getMessage());
  }
}
