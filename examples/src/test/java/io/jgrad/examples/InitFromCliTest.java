package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import io.jgrad.datasets.Digits;
import io.jgrad.io.NumpyFiles;
import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import io.jgrad.tools.MlpSpec;
import io.jgrad.tools.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --init-from}: a model file (here one {@code jgrad import} made of a 784-32-10 state dict, standardising
 * its inputs with statistics of its own, not the digits') as the starting point of a run on the bundled digits.
 */
class InitFromCliTest {
  @TempDir static Path dir;
  private static Path base;

  private static final String[] SMALL = {"--threads", "1", "--backend", "cpu", "--no-progress", "--batch", "64"};

  @BeforeAll
  static void importABase() throws IOException {
    Random random = new Random(7);
    Map<String, TensorData> state = new LinkedHashMap<>();
    state.put("0.weight", TensorData.ofFloats(new int[] {32, 784}, gaussian(random, 32 * 784, 0.05)));
    state.put("0.bias", TensorData.ofFloats(new int[] {32}, gaussian(random, 32, 0.05)));
    state.put("2.weight", TensorData.ofFloats(new int[] {10, 32}, gaussian(random, 320, 0.2)));
    state.put("2.bias", TensorData.ofFloats(new int[] {10}, new float[10]));
    Path weights = dir.resolve("torch.safetensors");
    Safetensors.write(weights, state, Map.of());
    base = dir.resolve("base.safetensors");
    CliRun r = CliRun.run("import", "--weights", weights.toString(), "--output", base.toString(), "--input-shape",
        "1,28,28", "--mean", "0.5", "--std", "0.25");
    assertEquals(0, r.code(), r.err());
  }

  private static float[] gaussian(Random random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  private static Map<String, String> summary(String... args) throws IOException {
    return CliRun.summaryOf(args, SMALL);
  }

  /**
   * import --dataset digits: the data set's input shape and classes, and recorded, so that eval needs no --dataset; the
   * model scores what the one imported with them given by hand scores.
   */
  @Test
  void importingForAKnownDataSetTakesItsShapeAndClasses() throws IOException {
    Path known = dir.resolve("known.safetensors");
    CliRun r = CliRun.run("import", "--weights", dir.resolve("torch.safetensors").toString(), "--output",
        known.toString(), "--dataset", "digits", "--mean", "0.5", "--std", "0.25");
    assertEquals(0, r.code(), r.err());
    ModelFile file = ModelFile.read(known);
    assertArrayEquals(new int[] {1, 28, 28}, file.architecture().inputShape());
    assertEquals("digits", file.dataset());
    CliRun withoutDataset = CliRun.run("eval", "--model", known.toString());
    CliRun byHand = CliRun.run("eval", "--model", base.toString(), "--dataset", "digits");
    assertEquals(0, withoutDataset.code(), withoutDataset.err());
    assertEquals(byHand.summary().get("accuracy"),
        withoutDataset.summary().get("accuracy"));
    CliRun cifar = CliRun.run("import", "--weights", dir.resolve("torch.safetensors").toString(), "--output",
        dir.resolve("cifar.safetensors").toString(), "--dataset", "cifar10", "--input-shape", "784");
    assertEquals(0, cifar.code(), "explicit options win: " + cifar.err());
  }

  /** No step taken, the run's model is the file's: its weights, and its inputs standardised as the file says. */
  @Test
  void beforeAStepTheRunScoresWhatTheFileScores() throws IOException {
    Map<String, String> run = summary("train", "--init-from", base.toString(), "--epochs", "0");
    CliRun evaluated = CliRun.run("eval", "--model", base.toString(), "--dataset", "digits");
    assertEquals(0, evaluated.code(), evaluated.err());
    Map<String, String> eval = evaluated.summary();
    assertEquals(eval.get("accuracy"), run.get("test_accuracy"));
    Map<String, String> fresh = summary("train", "--hidden", "32", "--epochs", "0");
    assertNotEquals(fresh.get("test_accuracy"), run.get("test_accuracy"), "random weights score otherwise");
  }

  /**
   * A fine-tuned run, saved after one epoch and resumed, ends as the run of two epochs in one go: the resumed run keeps
   * the file's statistics rather than fitting the digits' own. Its model file records them for eval and predict.
   */
  @Test
  void aFineTunedRunResumesExactlyAndKeepsTheFilesStatistics() throws IOException {
    Map<String, String> whole = summary("train", "--init-from", base.toString(), "--epochs", "2", "--schedule",
        "constant");
    Path checkpoint = dir.resolve("tuned.safetensors");
    summary("train", "--init-from", base.toString(), "--epochs", "1", "--schedule", "constant", "--save",
        checkpoint.toString());
    Map<String, String> resumed = summary("train", "--resume", checkpoint.toString(), "--epochs", "2", "--save",
        checkpoint.toString());
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy")) {
      assertEquals(whole.get(figure), resumed.get(figure), figure);
    }
    ModelFile tuned = ModelFile.read(checkpoint);
    assertArrayEquals(new double[] {0.5}, tuned.mean());
    assertArrayEquals(new double[] {0.25}, tuned.std());
    assertArrayEquals(new int[] {32}, ((MlpSpec) tuned.architecture()).hidden(), "the file's network, adopted");
  }

  /**
   * --new-head: the digits told apart as even or odd (an archive of the same images, two classes of text), from the
   * file's hidden layer and a new output layer of two classes.
   */
  @Test
  void aNewHeadForOtherClassesKeepsTheFilesOtherLayers() throws IOException {
    LabeledData digits = Digits.load().train();
    int n = 2000;
    byte[] pixels = new byte[n * 784];
    String[] parity = new String[n];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 784; p++) {
        pixels[i * 784 + p] = (byte) Math.round(digits.features()[i * 784 + p] * 255);
      }
      parity[i] = digits.labels()[i] % 2 == 0 ? "even" : "odd";
    }
    Path archive = NumpyFiles.npz(dir.resolve("parity.npz"), new LinkedHashMap<>(Map.of("x",
        NumpyFiles.uint8(new int[] {n, 28, 28}, pixels), "y", NumpyFiles.text(parity))));
    Path tuned = dir.resolve("parity.safetensors");
    summary("train", "--dataset", "npz", "--data", archive.toString(), "--init-from", base.toString(), "--new-head",
        "--epochs", "1", "--lr", "1e-30", "--save", tuned.toString());
    assertEquals(List.of("even", "odd"), ModelFile.read(tuned).classNames());
    Map<String, TensorData> before = Safetensors.read(base).tensors();
    Map<String, TensorData> after = Safetensors.read(tuned).tensors();
    // A step of 1e-30 moves no float32 weight: the hidden layer is the file's.
    assertArrayEquals(before.get("0.weight").toFloats(), after.get("model.0.weight").toFloats(), "the hidden layer");
    assertArrayEquals(new int[] {2, 32}, after.get("model.3.weight").shape(), "a head of two classes after dropout");
    Map<String, String> trained = summary("train", "--dataset", "npz", "--data", archive.toString(), "--init-from",
        base.toString(), "--new-head", "--epochs", "3");
    assertTrue(Double.parseDouble(trained.get("test_accuracy")) > 0.8, trained.toString());
    Path table = Files.writeString(dir.resolve("table.csv"), "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,1,x\n");
    CliRun narrower = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--init-from",
        base.toString(), "--new-head"}, SMALL);
    assertEquals("jgrad train: --init-from's model reads 784 values an example; the data's examples have 2",
        narrower.err().strip());
    CliRun stray = CliRun.run("train", "--new-head");
    assertEquals("jgrad train: --new-head replaces the output layer of --init-from's model: give --init-from",
        stray.err().strip());
  }

  @Test
  void misuseIsOneLine() throws IOException {
    CliRun wider = CliRun.run("train", "--init-from", base.toString(), "--hidden", "64");
    assertEquals("jgrad train: " + base + " holds an MLP of hidden widths 32 and relu: leave --model, --hidden and "
        + "--activation out to fine-tune it", wider.err().strip());
    CliRun both = CliRun.run("train", "--init-from", base.toString(), "--resume", base.toString());
    assertEquals("jgrad train: --init-from starts a new run from a model's weights; --resume continues a run (its "
        + "weights, optimizer and epochs): give one of them", both.err().strip());
    Path named = dir.resolve("named.safetensors");
    CliRun imported = CliRun.run("import", "--weights", dir.resolve("torch.safetensors").toString(), "--output",
        named.toString(), "--input-shape", "1,28,28", "--classes", "a,b,c,d,e,f,g,h,i,j");
    assertEquals(0, imported.code(), imported.err());
    CliRun classes = CliRun.run(new String[] {"train", "--init-from", named.toString()}, SMALL);
    assertEquals("jgrad train: --init-from " + named + " has the classes [a, b, c, d, e, f, g, h, i, j]; the data's "
        + "are [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] (--new-head makes an output layer for them)", classes.err().strip());
  }
}
