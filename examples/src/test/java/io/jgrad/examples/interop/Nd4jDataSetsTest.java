package io.jgrad.examples.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.interop.Nd4jDataSets;
import java.util.Arrays;
import java.util.Iterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** A DataSetIterator read into LabeledData and batched by jgrad's DataLoader. */
@EnabledOnOs(
    value = OS.LINUX,
    architectures = "amd64",
    disabledReason = "nd4j-native is on the test class path on linux-x86_64 only")
class Nd4jDataSetsTest {
  private static final int EXAMPLES = 10;
  private static final int CLASSES = 4;
  /** Features of example i are 6i, 6i + 1, …, 6i + 5, given as i's 2×3 image. */
  private static final int FEATURES = 6;

  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.create("cpu-scalar");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** An arbitrary class per example, every class used. */
  private static int classOf(int example) {
    return (3 * example + 1) % CLASSES;
  }

  private static INDArray images() {
    return Nd4j.arange(EXAMPLES * FEATURES).castTo(DataType.FLOAT).reshape(EXAMPLES, 2, 3);
  }

  private static INDArray oneHot() {
    INDArray y = Nd4j.zeros(DataType.FLOAT, EXAMPLES, CLASSES);
    for (int i = 0; i < EXAMPLES; i++) {
      y.putScalar(i, classOf(i), 1);
    }
    return y;
  }

  @Test
  void oneHotIteratorBatchesMatchTheExamples() {
    // Batches of 4, 4, 2 row views; one already consumed, which the reset must bring back.
    DataSetIterator iterator = new ViewIterator(new DataSet(images(), oneHot()), 4);
    iterator.next();

    LabeledData data = Nd4jDataSets.toLabeledData(iterator);
    assertEquals(EXAMPLES, data.size());
    assertEquals(FEATURES, data.featureSize());
    assertEquals(CLASSES, data.numClasses());

    try (DataLoader loader = DataLoader.builder(data).batchSize(3).build(backend)) {
      Iterator<Batch> epoch = loader.epoch(0);
      for (int first = 0; first < EXAMPLES; first += 3) {
        try (Batch batch = epoch.next()) {
          int rows = Math.min(3, EXAMPLES - first);
          float[] features = new float[rows * FEATURES];
          int[] labels = new int[rows];
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < FEATURES; j++) {
              features[r * FEATURES + j] = (first + r) * FEATURES + j;
            }
            labels[r] = classOf(first + r);
          }
          assertArrayEquals(new int[] {rows, FEATURES}, batch.features().shape().dims());
          assertArrayEquals(features, batch.features().toFloatArray());
          assertArrayEquals(labels, batch.labels().toIntArray());
        }
      }
      assertFalse(epoch.hasNext());
    }
  }

  @Test
  void integerLabelColumnGivesClassIndices() {
    INDArray column = Nd4j.createFromArray(2.0, 0.0, 5.0).reshape(3, 1);
    DataSet set = new DataSet(Nd4j.ones(DataType.DOUBLE, 3, 2), column);

    LabeledData data = Nd4jDataSets.toLabeledData(new ViewIterator(set, 2));

    assertArrayEquals(new int[] {2, 0, 5}, data.labels());
    assertEquals(6, data.numClasses());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, data.features());
  }

  @Test
  void errorsAreOneLineAndNameTheBatch() {
    DataSet fractional = new DataSet(Nd4j.ones(DataType.FLOAT, 3, 2), Nd4j.createFromArray(0.0, 1.0, 1.5));
    assertError("toLabeledData: batch 1 label 1.5 of example 0 is not a class index", new ViewIterator(fractional, 2));

    DataSet masked = new DataSet(images(), oneHot(), Nd4j.ones(DataType.FLOAT, EXAMPLES, 2), null);
    assertError("toLabeledData: batch 0 has mask arrays (sequence data); jgrad examples are fixed-size rows",
        new ViewIterator(masked, 4));

    // A pre-processor that narrows the last batch (rows 8 and 9) to 5 features.
    DataSetIterator changing = new ViewIterator(new DataSet(images(), oneHot()), 4);
    changing.setPreProcessor(set -> {
      if (set.numExamples() == 2) {
        set.setFeatures(Nd4j.zeros(DataType.FLOAT, 2, 5));
      }
    });
    assertError("toLabeledData: batch 2 has 5 features and 4 label columns; batch 0 had 6 and 4", changing);
  }

  private static void assertError(String message, DataSetIterator iterator) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Nd4jDataSets.toLabeledData(iterator));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
