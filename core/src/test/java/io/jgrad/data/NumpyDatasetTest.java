package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.NpyArray;
import io.jgrad.io.NpzArchive;
import io.jgrad.io.NumpyFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NumPy arrays as examples: the layouts of images, the kinds of labels, and one line for each misfit. */
class NumpyDatasetTest {
  private static NpyArray array(byte[] npy) {
    try {
      return NpyArray.read("a.npy", new ByteArrayInputStream(npy));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static NpyArray floats(float[] values, int... shape) {
    return array(NumpyFiles.float32(shape, values));
  }

  private static NpyArray longs(long... values) {
    return array(NumpyFiles.int64(new int[] {values.length}, values));
  }

  /** Pixel (n, h, w, c) of a 2 × 2 × 2 × 3 uint8 array holds n·64 + (h·2 + w)·4 + c. */
  private static int pixel(int n, int h, int w, int c) {
    return n * 64 + (h * 2 + w) * 4 + c;
  }

  @Test
  void imagesWithTheirChannelsLastAreReadChannelsFirstAsPixelsInTheUnitRange() {
    byte[] nhwc = new byte[2 * 2 * 2 * 3];
    for (int n = 0, i = 0; n < 2; n++) {
      for (int h = 0; h < 2; h++) {
        for (int w = 0; w < 2; w++) {
          for (int c = 0; c < 3; c++) {
            nhwc[i++] = (byte) pixel(n, h, w, c);
          }
        }
      }
    }
    NpyArray x = array(NumpyFiles.uint8(new int[] {2, 2, 2, 3}, nhwc));
    assertArrayEquals(new int[] {3, 2, 2}, NumpyDataset.exampleShape(x.header(), "x"));
    float[] features = NumpyDataset.features(x);
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int h = 0; h < 2; h++) {
          for (int w = 0; w < 2; w++) {
            assertEquals(pixel(n, h, w, c) / 255f, features[((n * 3 + c) * 2 + h) * 2 + w]);
          }
        }
      }
    }
    NumpyDataset data = NumpyDataset.classes(x, longs(1, 0), null);
    assertArrayEquals(new int[] {3, 2, 2}, data.data().exampleShape());
  }

  @Test
  void imagesWithTheirChannelsFirstGreyImagesAndTablesKeepTheirOrder() {
    float[] values = new float[2 * 3 * 2 * 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = i / 100f;
    }
    NpyArray nchw = floats(values, 2, 3, 2, 2);
    assertArrayEquals(new int[] {3, 2, 2}, NumpyDataset.exampleShape(nchw.header(), "x"));
    assertArrayEquals(values, NumpyDataset.features(nchw), "floats in [0, 1] as they are");
    NpyArray grey = floats(values, 6, 2, 2);
    assertArrayEquals(new int[] {1, 2, 2}, NumpyDataset.exampleShape(grey.header(), "x"));
    float[] table = {-5, 200, 3.5f, 0};
    NpyArray rows = floats(table, 2, 2);
    assertArrayEquals(new int[] {2}, NumpyDataset.exampleShape(rows.header(), "x"));
    assertArrayEquals(table, NumpyDataset.features(rows), "a table's values as they are, uint8 or not");
  }

  @Test
  void classesAreTheLabelsFoundInNumericOrTextOrder() {
    NpyArray x = floats(new float[4], 4, 1);
    NumpyDataset numbers = NumpyDataset.classes(x, longs(10, 2, -1, 2), null);
    assertEquals(List.of("-1", "2", "10"), numbers.classNames(), "numeric order, not text order");
    assertArrayEquals(new int[] {2, 1, 0, 1}, numbers.data().labels());
    NumpyDataset text = NumpyDataset.classes(x, array(NumpyFiles.text("dog", "cat", "ant", "cat")), null);
    assertEquals(List.of("ant", "cat", "dog"), text.classNames());
    assertArrayEquals(new int[] {2, 1, 0, 1}, text.data().labels());
    // Keras' CIFAR-10 labels are (N, 1); whole floats are classes too.
    NpyArray column = array(NumpyFiles.float64(new int[] {4, 1}, new double[] {1, 0, 1, 1}));
    NumpyDataset keras = NumpyDataset.classes(x, column, List.of("0", "1"));
    assertArrayEquals(new int[] {1, 0, 1, 1}, keras.data().labels());
  }

  /** Names saved beside integer labels (class_names) name the classes in their order, present in y or not. */
  @Test
  void classNamesSavedBesideTheLabelsNameThemInTheirOrder() {
    NpyArray x = floats(new float[3], 3, 1);
    NpyArray names = array(NumpyFiles.text("cat", "ant", "dog", "bee"));
    NumpyDataset named = NumpyDataset.classes(x, longs(2, 0, 2), names, null);
    assertEquals(List.of("cat", "ant", "dog", "bee"), named.classNames(), "the names' order, not text order");
    assertArrayEquals(new int[] {2, 0, 2}, named.data().labels());
    refused(() -> NumpyDataset.classes(x, longs(2, 4, 0), names, null),
        "a.npy: row 1 holds the label 4, but a.npy names 4 classes, 0 to 3");
    refused(() -> NumpyDataset.classes(x, array(NumpyFiles.text("a", "b", "a")), names, null),
        "a.npy: names classes by their indices, but a.npy holds text: leave the names out, or save the labels as "
            + "integers");
    refused(() -> NumpyDataset.classes(x, longs(0, 1, 0), array(NumpyFiles.text("a", "b", "a")), null),
        "a.npy: names the class 'a' twice");
  }

  @Test
  void regressionTargetsAndLabelPresences() {
    NpyArray x = floats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    NumpyDataset one = NumpyDataset.regression(x, array(NumpyFiles.float64(new int[] {3}, new double[] {.5, 1, 2})));
    assertEquals(List.of("y"), one.classNames());
    assertArrayEquals(new float[] {.5f, 1, 2}, one.data().targets());
    NumpyDataset two = NumpyDataset.regression(x, floats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
    assertEquals(List.of("y0", "y1"), two.classNames());
    assertEquals(2, two.data().targetSize());
    NumpyDataset labels = NumpyDataset.multiLabel(x, array(NumpyFiles.int64(new int[] {3, 2},
        new long[] {1, 0, 0, 0, 1, 1})));
    assertEquals(List.of("0", "1"), labels.classNames());
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 1}, labels.data().targets());
  }

  @Test
  void misfitsAreOneLineEach() {
    NpyArray x = floats(new float[] {1, 2, 3, 4}, 2, 2);
    refused(() -> NumpyDataset.classes(x, longs(0, 1, 1), null),
        "a.npy: shape (3,) for the inputs' (2, 2): expected a label row an input row, 2");
    refused(() -> NumpyDataset.classes(x, floats(new float[] {0.5f, 1}, 2), null),
        "a.npy: row 0 holds the label 0.5: expected classes as integers or text (a float label is a regression's "
            + "target: --task regression)");
    refused(() -> NumpyDataset.classes(x, longs(0, 7), List.of("0", "1")),
        "a.npy: row 1 holds the class '7', not one of the 2 the training labels hold");
    refused(() -> NumpyDataset.multiLabel(x, floats(new float[] {1, 0, 2, 0}, 2, 2)),
        "a.npy: row 1 holds 2.0 for label 0: expected 1 (present) or 0 (absent)");
    refused(() -> NumpyDataset.features(floats(new float[] {1, Float.NaN}, 1, 2)),
        "a.npy: row 0 holds NaN: fill or drop missing values first");
    refused(() -> NumpyDataset.features(floats(new float[] {0, 0.5f, 1, 255}, 1, 2, 2)),
        "a.npy: row 0 holds the pixel 255.0: float images are read as pixels in [0, 1], as image files are (divide "
            + "by 255, or save them as uint8)");
    refused(() -> NumpyDataset.exampleShape(floats(new float[4], 4).header(), "train.npz:x"),
        "train.npz:x: shape (4,): expected one example a row: (N, F) features (reshape one feature to (N, 1)), or "
            + "(N, H, W) images");
    refused(() -> NumpyDataset.exampleShape(floats(new float[16], 1, 4, 2, 2).header(), "x"),
        "x: shape (1, 4, 2, 2): expected images of 1 or 3 channels, (N, H, W, C) with their channels last or (N, C, H, "
            + "W) with them first");
    refused(() -> NumpyDataset.regression(floats(new float[8], 2, 2, 2), floats(new float[] {1, 2}, 2)),
        "a.npy: images (2, 2, 2): a regression or several labels a row are fitted to a table, (N, F)");
  }

  @Test
  void archivesKeysKerasFirstThenPlainNames(@TempDir Path dir) throws IOException {
    byte[] x = NumpyFiles.float32(new int[] {1, 1}, new float[] {1});
    byte[] y = NumpyFiles.int64(new int[] {1}, new long[] {0});
    Map<String, byte[]> keras = new LinkedHashMap<>();
    keras.put("x_train", x);
    keras.put("y_train", y);
    keras.put("x_test", x);
    keras.put("y_test", y);
    NpzArchive both = NpzArchive.open(NumpyFiles.npz(dir.resolve("k.npz"), keras));
    assertEquals(NumpyDataset.Keys.KERAS_TRAIN, NumpyDataset.trainingKeys(both));
    assertEquals(NumpyDataset.Keys.KERAS_TEST, NumpyDataset.testKeys(both));
    assertEquals("x_test", NumpyDataset.inputKey(both));
    NpzArchive sklearn = NpzArchive.open(NumpyFiles.npz(dir.resolve("s.npz"), Map.of("X", x, "y", y)));
    assertEquals(NumpyDataset.Keys.SKLEARN, NumpyDataset.trainingKeys(sklearn));
    assertEquals(NumpyDataset.Keys.SKLEARN, NumpyDataset.testKeys(sklearn));
    Map<String, byte[]> split = new LinkedHashMap<>();
    split.put("X_train", x);
    split.put("X_test", x);
    split.put("y_train", y);
    split.put("y_test", y);
    NpzArchive trainTestSplit = NpzArchive.open(NumpyFiles.npz(dir.resolve("t.npz"), split));
    assertEquals(NumpyDataset.Keys.SKLEARN_TRAIN, NumpyDataset.trainingKeys(trainTestSplit));
    assertEquals(NumpyDataset.Keys.SKLEARN_TEST, NumpyDataset.testKeys(trainTestSplit));
    assertEquals("X_test", NumpyDataset.inputKey(trainTestSplit));
    assertTrue(NumpyDataset.holdsTestPart(trainTestSplit) && NumpyDataset.holdsTestPart(both));
    assertFalse(NumpyDataset.holdsTestPart(sklearn));
    Path odd = NumpyFiles.npz(dir.resolve("o.npz"), new LinkedHashMap<>(Map.of("inputs", x)));
    assertEquals("inputs", NumpyDataset.inputKey(NpzArchive.open(odd)), "an archive's one array");
    refused(() -> NumpyDataset.trainingKeys(NpzArchive.open(odd)), odd + ": holds the arrays inputs: expected the "
        + "inputs and labels as x and y (np.savez(f, x=x, y=y)), or as Keras' x_train, y_train, x_test and y_test (or "
        + "train_test_split's X_train, y_train, X_test and y_test)");
  }

  private static void refused(Executable reading, String message) {
    InvalidFileException e = assertThrows(InvalidFileException.class, reading);
    assertEquals(message, e.getMessage());
  }
}
