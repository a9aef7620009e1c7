package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tools.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table with a column of text: {@code train --dataset csv} one-hot encodes it, the model file keeps its categories,
 * and {@code eval} and {@code predict} encode another table's column as the training table's was. The class depends
 * on the color as much as on the number: "high" where x plus the color's offset (red +2, green 0, blue −2) is above 0.
 */
class CsvCategoriesCliTest {
  private static final List<String> COLORS = List.of("red", "green", "blue");

  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static Map<String, String> trained;

  static String rows(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("x,color,level\n");
    for (int i = 0; i < count; i++) {
      int c = random.nextInt(3);
      double x = random.nextGaussian();
      csv.append(String.format(Locale.ROOT, "%.4f,%s,%s%n", x, COLORS.get(c), x + 2 - 2 * c > 0 ? "high" : "low"));
    }
    return csv.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("levels.csv"), rows(400, 1));
    model = dir.resolve("levels.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--hidden", "16", "--batch", "16",
        "--epochs", "20", "--lr", "0.01", "--threads", "1", "--backend", "cpu", "--no-progress", "--save",
        model.toString());
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  @Test
  void theColumnOfTextIsOneHotEncodedAndRecorded() {
    assertTrue(Double.parseDouble(trained.get("test_accuracy")) >= 0.9, trained.toString());
    ModelFile description = ModelFile.read(model);
    assertEquals(Map.of("color", List.of("blue", "green", "red")), description.categories());
    assertEquals(List.of("x", "color_blue", "color_green", "color_red"), description.featureNames());
  }

  /**
   * Another table, its columns in another order: eval encodes its colors with the model's categories, and finds the
   * label by the name the training table's header gave its last column (no label column was named).
   */
  @Test
  void evalEncodesAnotherTablesColumnAsTheModelWasTrained() throws IOException {
    StringBuilder reordered = new StringBuilder("level,color,x\n");
    List<String> lines = rows(150, 2).lines().toList();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      reordered.append(c[2]).append(',').append(c[1]).append(',').append(c[0]).append('\n');
    }
    Path other = Files.writeString(dir.resolve("reordered.csv"), reordered);
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals("150", r.summary().get("examples"));
    assertTrue(Double.parseDouble(r.summary().get("accuracy")) >= 0.9, r.out());
    Path purple = Files.writeString(dir.resolve("purple.csv"), "x,color,level\n1,red,high\n0.5,purple,low\n");
    assertEquals("jgrad eval: " + purple + ": line 3, column 'color' is 'purple', not one of its categories (blue, "
        + "green, red)", CliRun.run("eval", "--model", model.toString(), "--data", purple.toString()).errorLine());
  }

  /** predict reads the colors by the header's name: clear cases of each color get their level. */
  @Test
  void predictEncodesTheColorsByTheHeadersName() throws IOException {
    Path input = Files.writeString(dir.resolve("input.csv"), "color,x\nblue,0\nred,0\ngreen,2.5\ngreen,-2.5\n");
    CliRun r = CliRun.run("predict", "--model", model.toString(), input.toString(), "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    List<String> levels = new ArrayList<>();
    for (String line : r.lines()) {
      levels.add(CliRun.fields(line).get("class"));
    }
    assertEquals(List.of("low", "high", "high", "low"), levels);
    Path purple = Files.writeString(dir.resolve("purple-input.csv"), "color,x\npurple,0\n");
    assertEquals("jgrad predict: " + purple + ": line 2, column 'color' is 'purple', not one of the categories the "
        + "model was trained on (blue, green, red)",
        CliRun.run("predict", "--model", model.toString(), purple.toString()).errorLine());
  }

  /** A --test-data table is encoded with the training table's categories: one it lacks is refused, naming it. */
  @Test
  void aTestTableIsEncodedWithTheTrainingTablesCategories() throws IOException {
    Path tests = Files.writeString(dir.resolve("tests.csv"), "x,color,level\n1,green,high\n2,yellow,high\n");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--test-data", tests.toString(),
        "--epochs", "1", "--backend", "cpu");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad train: " + tests + ": line 3, column 'color' is 'yellow', not one of its categories (blue, "
        + "green, red)", r.errorLine());
  }
}
