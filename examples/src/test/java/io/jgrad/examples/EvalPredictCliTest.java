package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgrad eval} and {@code jgrad predict} work from the one file {@code train --save} wrote. */
class EvalPredictCliTest {
  @TempDir static Path dir;
  private static Path model;
  private static Map<String, String> trained;

  @BeforeAll
  static void trainOneEpoch() throws IOException {
    model = dir.resolve("digits.safetensors");
    CliRun r = CliRun.run("train", "--hidden", "32", "--batch", "256", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--epochs", "1", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  @Test
  void evalReportsTheTrainedAccuracyPerClassFiguresAndTheConfusionMatrix() throws IOException {
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--threads", "1", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(12, lines.size(), r.out()); // 10 classes, the matrix, the summary
    Map<String, String> s = r.summary();
    assertEquals("eval", s.get("event"));
    assertEquals("digits", s.get("dataset"));
    assertEquals("2000", s.get("examples"));
    assertEquals(trained.get("test_accuracy"), s.get("accuracy"));
    assertTrue(Double.parseDouble(s.get("top_5_accuracy")) >= Double.parseDouble(s.get("accuracy")), r.out());
    Map<String, String> seven = CliRun.fields(lines.get(7));
    assertEquals("class", seven.get("event"));
    assertEquals("7", seven.get("name"));
    assertTrue(lines.get(10).startsWith("{\"event\":\"confusion\",\"rows\":\"true class\",\"columns\":\"predicted "
        + "class\",\"matrix\":[["), lines.get(10));
  }

  /**
   * A data set of other classes with the same input size (the digits model on Fashion-MNIST) is refused in one line,
   * before any data loads (the folder given does not exist); it scored 7.9% against labels the model never learned.
   */
  @Test
  void evalRefusesADataSetOfOtherClasses() {
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--dataset", "fashion-mnist", "--data",
        dir.resolve("absent").toString(), "--backend", "cpu");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad eval: " + model + " classifies 0, 1, 2, … (10 classes); fashion-mnist's classes are "
        + "T-shirt/top, Trouser, Pullover, … (10 classes): evaluate it on data with its classes", r.errorLine());
  }

  @Test
  void evalRefusesATopKThatCoversEveryClass() {
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--top-k", "10");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad eval: --top-k 10: the model has 10 classes, so top-10 accuracy is 1 whatever it predicts; "
        + "give K below 10", r.errorLine());
  }

  @Test
  void predictGivesTheSameClassForOneDigitAsIdxAsPngAndAsCsv() throws IOException {
    LabeledData test = Datasets.DIGITS.load(null).test();
    float[] digit = java.util.Arrays.copyOfRange(test.features(), 0, 784);
    Path idx = dir.resolve("one-idx3-ubyte");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000803);
      out.writeInt(1);
      out.writeInt(28);
      out.writeInt(28);
      for (float v : digit) {
        out.write(Math.round(v * 255));
      }
    }
    Files.write(idx, bytes.toByteArray());
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 784; i++) {
      img.getRaster().setSample(i % 28, i / 28, 0, Math.round(digit[i] * 255)); // stored as is, as MNIST PNGs are
    }
    Path png = dir.resolve("one.png");
    ImageIO.write(img, "png", png.toFile());
    StringJoiner row = new StringJoiner(",");
    for (float v : digit) {
      row.add(Float.toString(v));
    }
    Path csv = Files.writeString(dir.resolve("one.csv"), row + "\n");

    CliRun r = CliRun.run("predict", "--model", model.toString(), "--backend", "cpu", "--threads", "1",
        idx.toString(), png.toString(), csv.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(3, r.lines().size(), r.out());
    Map<String, String> first = CliRun.fields(r.lines().get(0));
    assertEquals(idx + "#0", first.get("input"));
    for (String line : r.lines()) {
      assertEquals(first.get("label"), CliRun.fields(line).get("label"), r.out());
      assertEquals(first.get("class"), CliRun.fields(line).get("class"), r.out());
    }
    assertTrue(r.lines().get(1).contains("\"top\":[{\"label\":" + first.get("label")), r.out());
  }

  /** predict --explain of an image: an attribution a pixel, in the image's order, adding up to the class's change. */
  @Test
  void predictExplainsAnImageByItsPixels() throws IOException {
    LabeledData test = Datasets.DIGITS.load(null).test();
    StringJoiner row = new StringJoiner(",");
    for (int i = 0; i < 784; i++) {
      row.add(Float.toString(test.features()[784 + i]));
    }
    Path csv = Files.writeString(dir.resolve("explain.csv"), row + "\n");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--backend", "cpu", "--threads", "1", "--explain",
        csv.toString());
    assertEquals(0, r.code(), r.err());
    String line = r.lines().get(0);
    String list = line.replaceFirst(".*\"attributions\":\\[([^]]*)].*", "$1");
    double[] pixels = java.util.Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
    assertEquals(784, pixels.length, line);
    Map<String, String> f = CliRun.fields(line);
    double change = Double.parseDouble(f.get("probability")) - Double.parseDouble(f.get("baseline"));
    assertEquals(change, java.util.Arrays.stream(pixels).sum(), 0.02, line);
  }

  @Test
  void predictNamesAnInputItCannotRead() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2\n");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--backend", "cpu", bad.toString());
    assertEquals(1, r.code());
    assertEquals("jgrad predict: " + bad + ": line 1 has 2 values, the model reads 784", r.errorLine());
  }

  /** A CSV of 0–255 pixels (as MNIST's CSV exports are) against a model trained on [0, 1]: one line, no predictions. */
  @Test
  void predictRefusesCsvPixelsInOtherUnitsThanTheModelWasTrainedOn() throws IOException {
    StringJoiner row = new StringJoiner(",");
    for (int i = 0; i < 784; i++) {
      row.add(i == 300 ? "255" : "0");
    }
    Path bytes = Files.writeString(dir.resolve("bytes.csv"), row + "\n");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--backend", "cpu", bytes.toString());
    assertEquals(1, r.code());
    assertEquals("jgrad predict: " + bytes + ": line 1, value 301 is 255.0, outside the pixels in [0, 1] the model was "
        + "trained on (divide 0–255 values by 255)", r.errorLine());
    assertEquals(List.of(), r.lines());
  }
}
