package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Scope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A loader with the dataset in backend memory ({@link BatchAssembly#RESIDENT}) gives the host loader's batches, row
 * for row, for the same seed: every epoch, a resumed epoch, a short last batch, dropLast and the EXAMPLE layout; and
 * closing the loader returns the memory it uploaded.
 */
class ResidentBatchesTest {
  private record Rows(int[] shape, float[] features, int[] labels, int index) {}

  /** 103 examples of 3×5 features with distinct values, labels mod 7. */
  private static LabeledData data() {
    int n = 103;
    int f = 15;
    float[] x = new float[n * f];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        x[i * f + j] = i * 100 + j * 0.5f;
      }
      y[i] = (i * 5) % 7;
    }
    return new LabeledData(x, y, f, 7, new int[] {1, 3, 5});
  }

  private static List<Rows> epoch(DataLoader loader, int epoch, int first) {
    List<Rows> out = new ArrayList<>();
    try (Scope ignored = Scope.open()) {
      for (Iterator<Batch> it = loader.epoch(epoch, first); it.hasNext(); ) {
        try (Batch b = it.next()) {
          out.add(new Rows(b.features().shape().dims(), b.features().toFloatArray(), b.labels().toIntArray(),
              b.index()));
        }
      }
    }
    return out;
  }

  private static DataLoader.Builder settings(boolean dropLast, DataLoader.Layout layout) {
    return DataLoader.builder(data()).batchSize(16).shuffle(true).seed(11).dropLast(dropLast).layout(layout);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void residentBatchesEqualHostBatches(String name) {
    try (Backend backend = Backends.create(name)) {
      for (DataLoader.Layout layout : DataLoader.Layout.values()) {
        for (boolean dropLast : new boolean[] {false, true}) {
          try (DataLoader host = settings(dropLast, layout).assembly(BatchAssembly.HOST).build(backend);
              DataLoader resident = settings(dropLast, layout).assembly(BatchAssembly.RESIDENT).build(backend)) {
            long live = backend.memoryStats().liveBytes();
            epoch(resident, 0, 0);
            assertEquals(live + (103L * 15 + 2 * 103) * Float.BYTES, backend.memoryStats().liveBytes(),
                name + ": the resident loader keeps features, labels and order on the backend");
            for (int[] epochAndFirst : new int[][] {{0, 0}, {1, 0}, {2, 3}, {1, 6}}) {
              String where = name + " " + layout + " dropLast " + dropLast + " epoch " + epochAndFirst[0] + " from "
                  + epochAndFirst[1];
              List<Rows> expected = epoch(host, epochAndFirst[0], epochAndFirst[1]);
              List<Rows> actual = epoch(resident, epochAndFirst[0], epochAndFirst[1]);
              assertEquals(expected.size(), actual.size(), where + ": batches");
              for (int b = 0; b < expected.size(); b++) {
                Rows e = expected.get(b);
                Rows a = actual.get(b);
                assertArrayEquals(e.shape(), a.shape(), where + " batch " + b + " shape");
                assertArrayEquals(e.features(), a.features(), where + " batch " + b + " features");
                assertArrayEquals(e.labels(), a.labels(), where + " batch " + b + " labels");
                assertEquals(e.index(), a.index(), where + " batch " + b + " index");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void closingTheLoaderFreesTheUploadedData() {
    try (Backend backend = Backends.create("cpu")) {
      long before = backend.memoryStats().liveBytes();
      try (DataLoader loader = settings(false, DataLoader.Layout.FLAT).assembly(BatchAssembly.RESIDENT)
          .build(backend)) {
        epoch(loader, 0, 0);
        assertEquals(before + (103L * 15 + 2 * 103) * Float.BYTES, backend.memoryStats().liveBytes(),
            "features, labels and the order stay on the backend between epochs");
      }
      assertEquals(before, backend.memoryStats().liveBytes(), "after close");
    }
  }

  @Test
  void theSystemPropertyChoosesTheDefault() {
    String saved = System.getProperty(BatchAssembly.PROPERTY);
    try {
      System.setProperty(BatchAssembly.PROPERTY, "true");
      assertEquals(BatchAssembly.RESIDENT, BatchAssembly.fromSystemProperty());
      System.clearProperty(BatchAssembly.PROPERTY);
      assertEquals(BatchAssembly.HOST, BatchAssembly.fromSystemProperty());
    } finally {
      if (saved != null) {
        System.setProperty(BatchAssembly.PROPERTY, saved);
      }
    }
  }
}
