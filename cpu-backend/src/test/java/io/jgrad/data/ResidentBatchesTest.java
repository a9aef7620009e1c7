package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Scope;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A loader with the dataset in backend memory ({@link BatchAssembly#RESIDENT}, and {@link BatchAssembly#AUTO} where the
 * backend reads it in place) gives the host loader's batches, row for row, for the same seed: every epoch, a resumed
 * epoch, a short last batch, dropLast and the EXAMPLE layout. The CPU backends read the dataset in place (the loader
 * keeps none of the backend's memory); a backend that must copy (a device, here a CPU backend without {@link Backend#wrap}) uploads
 * it for RESIDENT and keeps batches on the host for AUTO; closing the loader returns what it took.
 */
class ResidentBatchesTest {
  /** Features and labels, where the loader uploads them (an epoch's uploaded order is freed after its last batch). */
  private static final long UPLOAD_BYTES = (103L * 15 + 103) * Float.BYTES;

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

  /** {@code backend} without {@link Backend#wrap}: a backend that has to copy host arrays, as a device does. */
  private static Backend copying(Backend backend) {
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
        (proxy, method, args) -> {
          if (method.getName().equals("wrap")) {
            return null;
          }
          try {
            return method.invoke(backend, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @ParameterizedTest
  @CsvSource({"cpu-scalar, RESIDENT, in place", "cpu, RESIDENT, in place", "cpu, AUTO, in place",
      "cpu, RESIDENT, copying"})
  void residentBatchesEqualHostBatches(String name, BatchAssembly assembly, String memory) {
    try (Backend opened = Backends.create(name)) {
      Backend backend = memory.equals("copying") ? copying(opened) : opened;
      for (DataLoader.Layout layout : DataLoader.Layout.values()) {
        for (boolean dropLast : new boolean[] {false, true}) {
          try (DataLoader host = settings(dropLast, layout).assembly(BatchAssembly.HOST).build(backend);
              DataLoader resident = settings(dropLast, layout).assembly(assembly).build(backend)) {
            long live = backend.memoryStats().liveBytes();
            epoch(resident, 0, 0);
            assertEquals(live + (memory.equals("copying") ? UPLOAD_BYTES : 0),
                backend.memoryStats().liveBytes(), name + " " + assembly + " " + memory + ": memory kept");
            for (int[] epochAndFirst : new int[][] {{0, 0}, {1, 0}, {2, 3}, {1, 6}}) {
              String where = name + " " + assembly + " " + memory + " " + layout + " dropLast " + dropLast + " epoch "
                  + epochAndFirst[0] + " from " + epochAndFirst[1];
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

  /** 103 examples of 15 features and two targets each (regression data), all values distinct. */
  private static LabeledData regressionData() {
    LabeledData images = data();
    float[] targets = new float[images.size() * 2];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = -0.25f * i;
    }
    return LabeledData.regression(images.features(), targets, images.featureSize(), 2);
  }

  /**
   * Regression targets come as float32 [B, 2] rows, the host loader's row for row, wherever the batches are gathered;
   * the copying backend uploads features, targets and the epoch's order and frees the order after the last batch.
   */
  @ParameterizedTest
  @CsvSource({"cpu-scalar, RESIDENT, in place", "cpu, AUTO, in place", "cpu, RESIDENT, copying"})
  void regressionTargetsComeAsTheHostLoadersRows(String name, BatchAssembly assembly, String memory) {
    try (Backend opened = Backends.create(name)) {
      Backend backend = memory.equals("copying") ? copying(opened) : opened;
      DataLoader.Builder settings = DataLoader.builder(regressionData()).batchSize(16).shuffle(true).seed(3);
      try (DataLoader host = settings.assembly(BatchAssembly.HOST).build(backend);
          DataLoader resident = settings.assembly(assembly).build(backend);
          Scope ignored = Scope.open()) {
        long live = backend.memoryStats().liveBytes();
        for (int epoch = 0; epoch < 2; epoch++) {
          Iterator<Batch> expected = host.epoch(epoch, 1);
          Iterator<Batch> actual = resident.epoch(epoch, 1);
          int batches = 0;
          while (expected.hasNext()) {
            try (Batch e = expected.next(); Batch a = actual.next()) {
              String where = name + " " + assembly + " " + memory + " epoch " + epoch + " batch " + e.index();
              assertArrayEquals(new int[] {e.size(), 2}, a.labels().shape().dims(), where);
              assertEquals(DType.FLOAT32, a.labels().dtype(), where);
              assertArrayEquals(e.labels().toFloatArray(), a.labels().toFloatArray(), where);
              assertArrayEquals(e.features().toFloatArray(), a.features().toFloatArray(), where);
              batches++;
            }
          }
          assertEquals(6, batches); // batches 1..6 of 7
          assertFalse(actual.hasNext());
        }
        long features = 103L * 15 * Float.BYTES;
        long targets = 103L * 2 * Float.BYTES;
        assertEquals(live + (memory.equals("copying") ? features + targets : 0), backend.memoryStats().liveBytes(),
            "kept after the epochs");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"RESIDENT, in place", "AUTO, in place", "RESIDENT, copying", "AUTO, copying"})
  void closingTheLoaderFreesWhatItKept(BatchAssembly assembly, String memory) {
    try (Backend opened = Backends.create("cpu")) {
      Backend backend = memory.equals("copying") ? copying(opened) : opened;
      long kept = memory.equals("copying") && assembly == BatchAssembly.RESIDENT ? UPLOAD_BYTES : 0;
      long before = backend.memoryStats().liveBytes();
      try (DataLoader loader = settings(false, DataLoader.Layout.FLAT).assembly(assembly).build(backend)) {
        epoch(loader, 0, 0);
        assertEquals(before + kept, backend.memoryStats().liveBytes(), "kept between epochs");
        try (Scope ignored = Scope.open()) {
          loader.epoch(1).next().close(); // an epoch left after its first batch: its order is freed on close
        }
      }
      assertEquals(before, backend.memoryStats().liveBytes(), "after close");
    }
  }

  /**
   * Iterators of two epochs taken in turn, batch by batch, give each epoch's batches, as on the host path, and free
   * both orders when done.
   */
  @ParameterizedTest
  @CsvSource({"HOST, in place", "RESIDENT, in place", "AUTO, in place", "RESIDENT, copying"})
  void twoEpochsReadInTurnKeepTheirOrders(BatchAssembly assembly, String memory) {
    String what = assembly + " " + memory;
    long kept = memory.equals("copying") && assembly == BatchAssembly.RESIDENT ? UPLOAD_BYTES : 0;
    try (Backend opened = Backends.create("cpu")) {
      Backend backend = memory.equals("copying") ? copying(opened) : opened;
      try (DataLoader host = settings(false, DataLoader.Layout.FLAT).assembly(BatchAssembly.HOST).build(backend);
          DataLoader loader = settings(false, DataLoader.Layout.FLAT).assembly(assembly).build(backend)) {
        List<Rows> expected0 = epoch(host, 0, 0);
        List<Rows> expected1 = epoch(host, 1, 0);
        long live = backend.memoryStats().liveBytes();
        try (Scope ignored = Scope.open()) {
          Iterator<Batch> a = loader.epoch(0);
          Iterator<Batch> b = loader.epoch(1);
          for (int i = 0; i < expected0.size(); i++) {
            try (Batch x = a.next(); Batch y = b.next()) {
              assertArrayEquals(expected0.get(i).features(), x.features().toFloatArray(), what + " epoch 0 batch " + i);
              assertArrayEquals(expected1.get(i).features(), y.features().toFloatArray(), what + " epoch 1 batch " + i);
            }
          }
        }
        assertEquals(live + kept, backend.memoryStats().liveBytes(), what + ": memory after both epochs");
      }
    }
  }

  /**
   * A dataset read in place stays the caller's: after the loader's close, shuffled batches of the dataset's own length
   * (which the pool would serve with its arrays, were they in its free list) leave it as it was.
   */
  @Test
  void aDatasetReadInPlaceStaysTheCallersAfterClose() {
    try (Backend backend = Backends.create("cpu")) {
      LabeledData data = data();
      float[] features = data.features().clone();
      int[] labels = data.labels().clone();
      try (DataLoader loader = DataLoader.builder(data).batchSize(16).assembly(BatchAssembly.AUTO).build(backend)) {
        epoch(loader, 0, 0);
      }
      try (DataLoader whole = DataLoader.builder(data).batchSize(103).shuffle(true).seed(5)
          .assembly(BatchAssembly.HOST).build(backend)) {
        for (int e = 0; e < 3; e++) {
          epoch(whole, e, 0);
        }
      }
      assertArrayEquals(features, data.features(), "features");
      assertArrayEquals(labels, data.labels(), "labels");
    }
  }

  @Test
  void theSystemPropertyChoosesTheDefault() {
    String saved = System.getProperty(BatchAssembly.PROPERTY);
    try {
      System.setProperty(BatchAssembly.PROPERTY, "true");
      assertEquals(BatchAssembly.RESIDENT, BatchAssembly.fromSystemProperty());
      System.clearProperty(BatchAssembly.PROPERTY);
      assertEquals(BatchAssembly.AUTO, BatchAssembly.fromSystemProperty());
    } finally {
      if (saved != null) {
        System.setProperty(BatchAssembly.PROPERTY, saved);
      }
    }
  }
}
