package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.datasets.Digits;
import io.jgrad.io.NumpyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --dataset npz} on NumPy archives: the bundled digits as Keras' mnist.npz lays them out (trained to the
 * same losses as from the bundled files), a table of floats with text classes, a regression and a multi-label table;
 * then {@code eval} and {@code predict} on arrays, against the same examples read otherwise.
 */
class NpzCliTest {
  @TempDir static Path dir;
  private static Path digits;
  private static Path digitsModel;
  private static Map<String, String> fromArchive;

  /** The options every run here shares. */
  private static final String[] SMALL = {"--hidden", "64", "--batch", "32", "--threads", "1", "--backend", "cpu",
      "--no-progress"};

  /** The first {@code count} examples of {@code data}: 28×28 uint8 images (N, 28, 28) and int64 labels (N,). */
  private static Map<String, byte[]> images(LabeledData data, int count, String part) {
    byte[] pixels = new byte[count * 784];
    long[] labels = new long[count];
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < 784; p++) {
        pixels[i * 784 + p] = (byte) Math.round(data.features()[i * 784 + p] * 255);
      }
      labels[i] = data.labels()[i];
    }
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("x_" + part, NumpyFiles.uint8(new int[] {count, 28, 28}, pixels));
    arrays.put("y_" + part, NumpyFiles.int64(new int[] {count}, labels));
    return arrays;
  }

  private static CliRun train(String... more) {
    return CliRun.run(more, SMALL);
  }

  private static Map<String, String> summary(CliRun r) throws IOException {
    assertEquals(0, r.code(), r.err());
    return r.summary();
  }

  @BeforeAll
  static void trainOnTheDigitsArchive() throws IOException {
    TrainTestSplit split = Digits.load();
    Map<String, byte[]> keras = images(split.train(), split.train().size(), "train");
    keras.putAll(images(split.test(), split.test().size(), "test"));
    digits = NumpyFiles.npz(dir.resolve("mnist.npz"), keras);
    digitsModel = dir.resolve("digits.safetensors");
    fromArchive = summary(train("train", "--dataset", "npz", "--data", digits.toString(), "--epochs", "1", "--save",
        digitsModel.toString()));
  }

  /** The digits as Keras' mnist.npz lays them out train as the bundled files do: the same examples, the same steps. */
  @Test
  void keraslaidOutDigitsTrainToTheBundledFilesLosses() throws IOException {
    Map<String, String> bundled = summary(train("train", "--dataset", "digits", "--epochs", "1"));
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy")) {
      assertEquals(bundled.get(figure), fromArchive.get(figure), figure);
    }
    assertEquals("npz", fromArchive.get("dataset"));
    assertTrue(fromArchive.containsKey("test_roc_auc"), "a data set of one's own gets the ranking figures");
  }

  /**
   * The same arrays as np.save leaves them, a file each in a folder under train_test_split's names (X_train.npy,
   * y_train.npy, X_test.npy, y_test.npy): the archive's run, to the last digit; eval reads the folder's test part.
   */
  @Test
  void aFolderOfNpyFilesUnderScikitLearnsNamesIsTheArchive() throws IOException {
    TrainTestSplit split = Digits.load();
    Path folder = Files.createDirectory(dir.resolve("arrays"));
    Map<String, byte[]> arrays = images(split.train(), split.train().size(), "train");
    arrays.putAll(images(split.test(), split.test().size(), "test"));
    for (Map.Entry<String, byte[]> a : arrays.entrySet()) {
      Files.write(folder.resolve(a.getKey().replace("x_", "X_") + ".npy"), a.getValue());
    }
    Files.writeString(folder.resolve(".notes.npy"), "hidden: left out");
    Map<String, String> fromFolder = summary(train("train", "--dataset", "npz", "--data", folder.toString(),
        "--epochs", "1"));
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy")) {
      assertEquals(fromArchive.get(figure), fromFolder.get(figure), figure);
    }
    CliRun eval = CliRun.run("eval", "--model", digitsModel.toString(), "--data", folder.toString());
    assertEquals(fromArchive.get("test_accuracy"), summary(eval).get("accuracy"));
    CliRun split30 = train("train", "--dataset", "npz", "--data", folder.toString(), "--test-split", "0.3");
    assertEquals("jgrad train: --test-split 0.3 would hold out part of the training arrays, but " + folder
        + " holds the test part, X_test and y_test: train without it", split30.err().strip());
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals("jgrad train: " + empty + ": holds no .npy file (a folder of arrays as np.save writes them, one a "
        + "file named after its key: X_train.npy, y_train.npy, ...)",
        train("train", "--dataset", "npz", "--data", empty.toString()).err().strip());
  }

  /** Names saved beside the labels (class_names) name the model's classes, as eval and predict print them. */
  @Test
  void classNamesBesideTheLabels() throws IOException {
    String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    TrainTestSplit split = Digits.load();
    Map<String, byte[]> arrays = images(split.train(), 1000, "train");
    arrays.putAll(images(split.test(), 200, "test"));
    arrays.put("class_names", NumpyFiles.text(words));
    Path archive = NumpyFiles.npz(dir.resolve("named.npz"), arrays);
    Path model = dir.resolve("named.safetensors");
    summary(train("train", "--dataset", "npz", "--data", archive.toString(), "--epochs", "1", "--save",
        model.toString()));
    CliRun eval = CliRun.run("eval", "--model", model.toString(), "--data", archive.toString());
    assertEquals(0, eval.code(), eval.err());
    for (int c = 0; c < 10; c++) {
      String line = eval.lines().get(c);
      assertTrue(line.contains("\"class\":" + c + ",\"name\":\"" + words[c] + "\""), line);
    }
  }

  /** A run on an archive that holds its own test part resumes from its checkpoint, finding the same parts. */
  @Test
  void aRunOnAnArchiveResumes() throws IOException {
    Path checkpoint = dir.resolve("resumed.safetensors");
    summary(train("train", "--dataset", "npz", "--data", digits.toString(), "--epochs", "1", "--schedule", "constant",
        "--save", checkpoint.toString()));
    Map<String, String> resumed = summary(train("train", "--resume", checkpoint.toString(), "--data",
        digits.toString(), "--epochs", "2"));
    Map<String, String> whole = summary(train("train", "--dataset", "npz", "--data", digits.toString(), "--epochs",
        "2", "--schedule", "constant"));
    assertEquals(whole.get("train_loss"), resumed.get("train_loss"));
    assertEquals(whole.get("test_accuracy"), resumed.get("test_accuracy"));
  }

  /** eval on the archive's x_test and y_test counts what predict on its images decides, in either channel layout. */
  @Test
  void evalAndPredictReadTheArchivesImages() throws IOException {
    Map<String, String> eval = summary(CliRun.run("eval", "--model", digitsModel.toString(), "--data",
        digits.toString()));
    assertEquals("2000", eval.get("examples"));
    assertEquals(fromArchive.get("test_accuracy"), eval.get("accuracy"), "the test part the run scored");
    LabeledData test = Digits.load().test();
    Map<String, byte[]> part = images(test, 200, "test");
    Path grey = dir.resolve("grey.npy");
    Files.write(grey, part.get("x_test"));
    // The same images as (N, 28, 28, 1), Keras' channels-last layout of grey images.
    byte[] npy = part.get("x_test");
    byte[] pixels = Arrays.copyOfRange(npy, npy.length - 200 * 784, npy.length);
    Path channelsLast = dir.resolve("last.npy");
    Files.write(channelsLast, NumpyFiles.uint8(new int[] {200, 28, 28, 1}, pixels));
    CliRun a = CliRun.run("predict", "--model", digitsModel.toString(), grey.toString());
    CliRun b = CliRun.run("predict", "--model", digitsModel.toString(), channelsLast.toString());
    assertEquals(0, a.code(), a.err());
    assertEquals(200, a.lines().size());
    assertEquals(a.out().replace("grey.npy", "last.npy"), b.out());
    int right = 0;
    for (int i = 0; i < 200; i++) {
      right += CliRun.fields(a.lines().get(i)).get("label").equals(Integer.toString(test.labels()[i])) ? 1 : 0;
    }
    assertTrue(right >= 180, right + " of 200 right");
  }

  /** Rows of three features, classes "high" where x0 + x1 > x2 else "low", and the same rows as a CSV file. */
  private static Map<String, byte[]> table(int n, long seed, StringBuilder csv) {
    Random random = new Random(seed);
    double[] x = new double[n * 3];
    String[] y = new String[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = random.nextGaussian() * (j + 1) + 10;
      }
      y[i] = x[i * 3] + x[i * 3 + 1] > x[i * 3 + 2] + 10 ? "high" : "low";
      csv.append(String.format(Locale.ROOT, "%s,%s,%s%n", x[i * 3], x[i * 3 + 1], x[i * 3 + 2]));
    }
    return new LinkedHashMap<>(Map.of("X", NumpyFiles.float64(new int[] {n, 3}, x), "y", NumpyFiles.text(y)));
  }

  /** A table of float64 features and text classes (scikit-learn's X and y), held out, then predicted row by row. */
  @Test
  void aTableOfFloatsWithTextClassesAsACsvFilesRowsWouldBe() throws IOException {
    Path archive = NumpyFiles.npz(dir.resolve("table.npz"), table(1000, 1, new StringBuilder()));
    Path model = dir.resolve("table.safetensors");
    Map<String, String> s = summary(train("train", "--dataset", "npz", "--data", archive.toString(), "--epochs", "20",
        "--save", model.toString()));
    assertTrue(Double.parseDouble(s.get("test_accuracy")) > 0.9, s.toString());
    StringBuilder csv = new StringBuilder();
    Map<String, byte[]> rows = table(50, 2, csv);
    Path npy = Files.write(dir.resolve("rows.npy"), rows.get("X"));
    Path csvFile = Files.writeString(dir.resolve("rows.csv"), csv.toString());
    CliRun fromArray = CliRun.run("predict", "--model", model.toString(), npy.toString(), "--format", "csv");
    CliRun fromCsv = CliRun.run("predict", "--model", model.toString(), csvFile.toString(), "--format", "csv");
    assertEquals(0, fromArray.code(), fromArray.err());
    assertTrue(fromArray.out().startsWith("input,label,class,probability,probability_high,probability_low"),
        fromArray.out());
    assertEquals(fromCsv.out().replace("rows.csv", "rows.npy"), fromArray.out(), "the same rows, the same predictions");
    CliRun importance = CliRun.run("eval", "--model", model.toString(), "--data", archive.toString(), "--importance");
    assertEquals(0, importance.code(), importance.err());
    String first = importance.lines().stream().filter(l -> l.contains("\"rank\":1,")).findFirst().orElseThrow();
    assertTrue(first.contains("\"column\":\"2\"") || first.contains("\"column\":\"1\""),
        "x1 and x2, of the widest spread, decide most: " + first);
  }

  @Test
  void regressionOfTwoTargetsAndSeveralLabelsARow() throws IOException {
    Random random = new Random(3);
    int n = 600;
    float[] x = new float[n * 2];
    float[] targets = new float[n * 2];
    long[] labels = new long[n * 3];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) random.nextGaussian();
      x[2 * i + 1] = (float) random.nextGaussian();
      targets[2 * i] = 3 * x[2 * i] - x[2 * i + 1];
      targets[2 * i + 1] = x[2 * i] * x[2 * i + 1];
      labels[3 * i] = x[2 * i] > 0 ? 1 : 0;
      labels[3 * i + 1] = x[2 * i + 1] > 0.5 ? 1 : 0;
      labels[3 * i + 2] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
    }
    byte[] inputs = NumpyFiles.float32(new int[] {n, 2}, x);
    Path fit = NumpyFiles.npz(dir.resolve("fit.npz"), new LinkedHashMap<>(Map.of("x", inputs, "y",
        NumpyFiles.float32(new int[] {n, 2}, targets))));
    Path model = dir.resolve("fit.safetensors");
    Map<String, String> s = summary(train("train", "--dataset", "npz", "--data", fit.toString(), "--task",
        "regression", "--dropout", "0", "--epochs", "40", "--save", model.toString()));
    assertTrue(Double.parseDouble(s.get("test_r2")) > 0.9, s.toString());
    Map<String, String> perTarget = CliRun.object(CliRun.run("eval", "--model", model.toString(), "--data",
        fit.toString()).lines().get(0), "per_target", "y1");
    assertTrue(Double.parseDouble(perTarget.get("r2")) > 0.8, perTarget.toString());
    Path tags = NumpyFiles.npz(dir.resolve("tags.npz"), new LinkedHashMap<>(Map.of("x", inputs, "y",
        NumpyFiles.int64(new int[] {n, 3}, labels))));
    Map<String, String> m = summary(train("train", "--dataset", "npz", "--data", tags.toString(), "--task",
        "multilabel", "--dropout", "0", "--epochs", "40"));
    assertTrue(Double.parseDouble(m.get("test_subset_accuracy")) > 0.85, m.toString());
    CliRun cv = train("train", "--dataset", "npz", "--data", tags.toString(), "--task", "multilabel", "--epochs", "2",
        "--cv", "3");
    assertEquals(0, cv.code(), cv.err());
    assertEquals(3, cv.lines().stream().filter(l -> l.contains("\"event\":\"fold\"")).count());
  }

  @Test
  void misuseIsOneLine() throws IOException {
    Path table = NumpyFiles.npz(dir.resolve("misuse.npz"), table(40, 4, new StringBuilder()));
    String[][] cases = {
      {"--label-column is for --dataset csv (an archive's labels are its y array)", "--label-column", "y"},
      {"--model cnn needs images; " + table + " holds a table (N, F): train an MLP on it (--model mlp, the default)",
          "--model", "cnn"},
      {"--image-size is for --dataset images; an archive's arrays have their size", "--image-size", "28"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 4];
      System.arraycopy(new String[] {"train", "--dataset", "npz", "--data", table.toString()}, 0, args, 0, 5);
      System.arraycopy(c, 1, args, 5, c.length - 1);
      CliRun r = CliRun.run(args);
      assertEquals(1, r.code(), r.err());
      assertEquals("jgrad train: " + c[0], r.err().strip());
    }
    CliRun images = CliRun.run("train", "--dataset", "npz", "--data", digits.toString(), "--task", "regression");
    assertEquals("jgrad train: --task regression fits a table; " + digits + " holds images (a classifier's, --task "
        + "classification)", images.err().strip());
    CliRun split = train("train", "--dataset", "npz", "--data", digits.toString(), "--test-split", "0.1");
    assertEquals("jgrad train: --test-split 0.1 would hold out part of the training arrays, but " + digits + " holds "
        + "the test part, x_test and y_test: train without it", split.err().strip());
    CliRun noData = CliRun.run("eval", "--model", digitsModel.toString());
    assertEquals("jgrad eval: " + digitsModel + " was trained on NumPy arrays: pass the archive to evaluate on as "
        + "--data FILE.npz (its x_test and y_test, or x and y)", noData.err().strip());
    Path rows = Files.write(dir.resolve("wrong.npy"), NumpyFiles.float32(new int[] {2, 3}, new float[6]));
    CliRun wrongShape = CliRun.run("predict", "--model", digitsModel.toString(), rows.toString());
    assertEquals("jgrad predict: " + rows + ": shape (2, 3), examples of [3], but the model reads [1, 28, 28] (images: "
        + "(N, H, W), (N, H, W, C) or (N, C, H, W))", wrongShape.err().strip());
  }
}
