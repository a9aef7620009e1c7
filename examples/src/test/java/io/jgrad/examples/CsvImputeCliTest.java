package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tools.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --impute}: the table of {@link CsvCategoriesCliTest} with a tenth of its numbers and of its colours
 * missing (empty cells, NA, NaN, null). The fill values are the training table's median and most frequent colour, kept
 * in the model file, and {@code eval} and {@code predict} fill another table's missing cells with them.
 */
class CsvImputeCliTest {
  private static final String[] MISSING = {"", "NA", "NaN", "null"};

  @TempDir static Path dir;
  private static Path table;
  private static Path tests;
  private static Path model;
  private static Map<String, String> trained;

  /** CsvCategoriesCliTest's rows with x, or the colour, missing in about a tenth of them each. */
  static String gappy(int count, long seed) {
    Random random = new Random(seed + 100);
    StringBuilder csv = new StringBuilder();
    for (String line : CsvCategoriesCliTest.rows(count, seed).lines().toList()) {
      String[] cells = line.split(",");
      if (!line.startsWith("x,")) {
        for (int c = 0; c < 2; c++) {
          cells[c] = random.nextInt(10) == 0 ? MISSING[random.nextInt(MISSING.length)] : cells[c];
        }
      }
      csv.append(String.join(",", cells)).append('\n');
    }
    return csv.toString();
  }

  private static String[] train(String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv", "--data", table.toString(),
        "--test-data", tests.toString(), "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01",
        "--threads", "1", "--backend", "cpu", "--no-progress"));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  @BeforeAll
  static void trainWithMedians() throws IOException {
    table = Files.writeString(dir.resolve("levels.csv"), gappy(400, 1));
    tests = Files.writeString(dir.resolve("tests.csv"), gappy(150, 2));
    model = dir.resolve("levels.safetensors");
    CliRun r = CliRun.run(train("--impute", "median", "--save", model.toString()));
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  @Test
  void theTrainingTablesMedianAndMostFrequentColourFillItsGapsAndAreKept() throws IOException {
    assertEquals("median", trained.get("impute"));
    assertTrue(Double.parseDouble(trained.get("test_accuracy")) >= 0.85, trained.toString());
    List<Float> xs = new ArrayList<>();
    Map<String, Integer> colours = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(table).subList(1, 401)) {
      String[] cells = line.split(",", -1);
      if (!Arrays.asList(MISSING).contains(cells[0])) {
        xs.add(Float.parseFloat(cells[0]));
      }
      if (!Arrays.asList(MISSING).contains(cells[1])) {
        colours.merge(cells[1], 1, Integer::sum);
      }
    }
    xs.sort(null);
    int n = xs.size();
    float median = n % 2 == 1 ? xs.get(n / 2) : (float) (((double) xs.get(n / 2 - 1) + xs.get(n / 2)) / 2);
    String mode = colours.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    ModelFile description = ModelFile.read(model);
    assertEquals(List.of("x", "color_blue", "color_green", "color_red"), description.featureNames());
    assertArrayEquals(new float[] {median, mode.equals("blue") ? 1 : 0, mode.equals("green") ? 1 : 0,
        mode.equals("red") ? 1 : 0}, description.fill());
  }

  @Test
  void evalAndPredictFillAnotherTablesGaps() throws IOException {
    Path other = Files.writeString(dir.resolve("other.csv"), gappy(150, 3));
    CliRun e = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, e.code(), e.err());
    assertEquals("150", e.summary().get("examples"));
    assertTrue(Double.parseDouble(e.summary().get("accuracy")) >= 0.85, e.out());
    Path rows = Files.writeString(dir.resolve("rows.csv"), "color,x\nNA,2.5\nred,\n,\n");
    CliRun p = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--threads", "1", "--backend",
        "cpu");
    assertEquals(0, p.code(), p.err());
    assertEquals(3, p.lines().size(), p.out());
    assertEquals("high", CliRun.fields(p.lines().get(0)).get("class")); // x 2.5 is high whatever the colour
  }

  @Test
  void withoutImputeAMissingCellIsOneLineNamingIt() throws IOException {
    CliRun r = CliRun.run(train());
    assertEquals(1, r.code());
    assertTrue(r.errorLine().matches("jgrad train: " + java.util.regex.Pattern.quote(table.toString())
        + ": line \\d+, column '(x|color)' is (empty|'NA'|'null'|NaN, not a finite number).*"), r.errorLine());
    Path plain = dir.resolve("plain.safetensors");
    Path full = Files.writeString(dir.resolve("full.csv"), CsvCategoriesCliTest.rows(100, 4));
    CliRun noGaps = CliRun.run("train", "--dataset", "csv", "--data", full.toString(), "--hidden", "8", "--epochs",
        "1", "--threads", "1", "--backend", "cpu", "--no-progress", "--save", plain.toString());
    assertEquals(0, noGaps.code(), noGaps.err());
    Path rows = Files.writeString(dir.resolve("gap.csv"), "x,color\n1,\n");
    CliRun p = CliRun.run("predict", "--model", plain.toString(), rows.toString(), "--threads", "1", "--backend",
        "cpu");
    assertEquals(1, p.code());
    assertEquals("jgrad predict: " + rows + ": line 2, column 'color' is missing, and the model has no value to fill "
        + "in (it was trained without --impute)", p.errorLine());
  }

  @Test
  void aResumedRunKeepsItsStrategyAndImputeIsForTables() {
    CliRun other = CliRun.run(train("--impute", "mean", "--resume", model.toString()));
    assertEquals(1, other.code());
    assertTrue(other.errorLine().startsWith("jgrad train: --impute mean contradicts " + model + ", a run with "
        + "--impute median"), other.errorLine());
    CliRun digits = CliRun.run("train", "--impute", "mean", "--epochs", "1", "--no-progress");
    assertEquals(1, digits.code());
    assertTrue(digits.errorLine().startsWith("jgrad train: --impute is for --dataset csv"), digits.errorLine());
  }
}
