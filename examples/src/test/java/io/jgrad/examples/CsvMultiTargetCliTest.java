package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@code train --task regression --label-column price,rent}: two targets in units a hundred times apart, fitted by one
 * MLP of two outputs (scikit-learn's multi-output regression), then {@code eval}, {@code predict} and {@code --resume}
 * from the saved file.
 */
class CsvMultiTargetCliTest {
  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static String summary;

  /** rent = 2000 + 300·cos(a) − 0.2·(area − 5000); price as {@link CsvRegressionCliTest#price}. */
  static double rent(double a, double area) {
    return 2000 + 300 * Math.cos(a) - 0.2 * (area - 5000);
  }

  /** Rows of a, rent, area, price, c: the targets apart, in another order than they are asked for. */
  static String rows(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("a,rent,area,price,c\n");
    for (int i = 0; i < count; i++) {
      double a = random.nextGaussian();
      double area = 5000 + 1000 * random.nextGaussian();
      double c = random.nextGaussian();
      csv.append(String.format(Locale.ROOT, "%.4f,%.3f,%.1f,%.4f,%.4f%n", a, rent(a, area), area,
          CsvRegressionCliTest.price(a, area, c), c));
    }
    return csv.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("homes.csv"), rows(500, 1));
    model = dir.resolve("homes.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
        "--label-column", "price, rent", "--hidden", "32", "--dropout", "0", "--batch", "16", "--epochs", "30",
        "--lr", "0.01", "--threads", "1", "--backend", "cpu", "--no-progress", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    summary = r.lines().get(r.lines().size() - 1);
  }

  /** The summary's figures are the targets' averages (scikit-learn's uniform average); each target's own beside. */
  @Test
  void theSummaryScoresEachTargetAndTheirAverage() throws IOException {
    Map<String, String> s = CliRun.fields(summary);
    Map<String, String> price = CliRun.object(summary, "test_per_target", "price");
    Map<String, String> rent = CliRun.object(summary, "test_per_target", "rent");
    assertTrue(summary.matches(".*\"test_per_target\":\\{\"price\":\\{[^}]*},\"rent\":\\{[^}]*}}.*"), summary);
    for (Map<String, String> target : List.of(price, rent)) {
      assertTrue(Double.parseDouble(target.get("r2")) > 0.9, summary);
    }
    assertTrue(Double.parseDouble(price.get("rmse")) < 4, summary); // the price's spread is about 15
    assertTrue(Double.parseDouble(rent.get("rmse")) < 60, summary); // the rent's, about 240
    for (String figure : List.of("mse", "mae", "r2")) {
      double mean = (Double.parseDouble(price.get(figure)) + Double.parseDouble(rent.get(figure))) / 2;
      assertEquals(mean, Double.parseDouble(s.get("test_" + figure)), 1e-9 * Math.abs(mean), figure);
    }
    assertEquals(Math.sqrt(Double.parseDouble(s.get("test_mse"))), Double.parseDouble(s.get("test_rmse")), 1e-9);
  }

  @Test
  void evalScoresEachTargetOfAnotherTable() throws IOException {
    Path other = Files.writeString(dir.resolve("other.csv"), rows(200, 2));
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    String line = r.lines().get(r.lines().size() - 1);
    Map<String, String> s = CliRun.fields(line);
    assertEquals("200", s.get("examples"));
    assertTrue(line.contains("\"targets\":[\"price\",\"rent\"]"), line);
    double r2 = 0;
    for (String target : List.of("price", "rent")) {
      double own = Double.parseDouble(CliRun.object(line, "per_target", target).get("r2"));
      assertTrue(own > 0.9, line);
      r2 += own / 2;
    }
    assertEquals(r2, Double.parseDouble(s.get("r2")), 1e-12);
    // A table whose target columns are named otherwise: --label-column names them in the model's order of targets,
    // and the figures are the same, under the model's names.
    Path renamed = Files.writeString(dir.resolve("renamed.csv"),
        rows(200, 2).replaceFirst("a,rent,area,price,c", "a,monthly,area,cost,c"));
    CliRun r2Renamed = CliRun.run("eval", "--model", model.toString(), "--data", renamed.toString(), "--label-column",
        "cost,monthly", "--threads", "1", "--backend", "cpu");
    assertEquals(0, r2Renamed.code(), r2Renamed.err());
    String renamedLine = r2Renamed.lines().get(r2Renamed.lines().size() - 1);
    for (String target : List.of("price", "rent")) {
      assertEquals(CliRun.object(line, "per_target", target), CliRun.object(renamedLine, "per_target", target));
    }
    assertEquals("jgrad eval: the model reads 3 features into 2 targets; the data have 3 features and 1 target",
        CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--label-column", "price",
            "--backend", "cpu").errorLine());
  }

  /** predict gives both values by name, with or without the target columns, close to the formulas'. */
  @Test
  void predictGivesEachTargetsValueWithOrWithoutTheTargetColumns() throws IOException {
    double[][] rows = {{0.5, 6000, -1}, {-1, 4000, 0.25}};
    StringBuilder labelled = new StringBuilder("a,rent,area,price,c\n");
    StringBuilder bare = new StringBuilder("c,a,area\n");
    for (double[] row : rows) {
      labelled.append(String.format(Locale.ROOT, "%s,0,%s,0,%s%n", row[0], row[1], row[2]));
      bare.append(String.format(Locale.ROOT, "%s,%s,%s%n", row[2], row[0], row[1]));
    }
    List<Map<String, String>> values = new ArrayList<>();
    for (String text : List.of(labelled.toString(), bare.toString())) {
      Path input = Files.writeString(dir.resolve("input" + values.size() + ".csv"), text);
      CliRun r = CliRun.run("predict", "--model", model.toString(), input.toString(), "--backend", "cpu");
      assertEquals(0, r.code(), r.err());
      for (String line : r.lines()) {
        values.add(CliRun.object(line, "values"));
      }
    }
    assertEquals(values.subList(0, 2), values.subList(2, 4), "the same rows, columns by name");
    // As a CSV table: a column a target, named after it, the JSON lines' values.
    CliRun csv = CliRun.run("predict", "--model", model.toString(), dir.resolve("input0.csv").toString(), "--format",
        "csv", "--backend", "cpu");
    assertEquals(0, csv.code(), csv.err());
    assertEquals("input,price,rent", csv.lines().get(0));
    io.jgrad.data.CsvLine cells = new io.jgrad.data.CsvLine();
    for (int i = 0; i < 2; i++) {
      assertTrue(cells.split(csv.lines().get(i + 1)));
      assertEquals(values.get(i).get("price"), cells.text(1));
      assertEquals(values.get(i).get("rent"), cells.text(2));
    }
    for (int i = 0; i < rows.length; i++) {
      assertEquals(List.of("price", "rent"), List.copyOf(values.get(i).keySet()));
      assertEquals(CsvRegressionCliTest.price(rows[i][0], rows[i][1], rows[i][2]),
          Double.parseDouble(values.get(i).get("price")), 5, "row " + i);
      assertEquals(rent(rows[i][0], rows[i][1]), Double.parseDouble(values.get(i).get("rent")), 80, "row " + i);
    }
  }

  @Test
  void aResumedRunKeepsItsTargets() throws IOException {
    Path saved = dir.resolve("resumed.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
        "--label-column", "price,rent", "--hidden", "8", "--epochs", "1", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--save", saved.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    String line = resumed.lines().get(resumed.lines().size() - 1);
    assertTrue(line.matches(".*\"test_per_target\":\\{\"price\":\\{[^}]*},\"rent\":\\{[^}]*}}.*"), line);
    CliRun contradicting = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(),
        "--label-column", "price", "--epochs", "2", "--backend", "cpu");
    assertEquals("jgrad train: --label-column price contradicts " + saved + ", a run with --label-column price,rent; "
        + "leave --label-column out to continue that run", contradicting.errorLine());
  }

  @Test
  void targetListsThatCannotBeReadAreOneLineErrors() {
    String[] specs = {"price,,rent", "price,price", "price,area,rent,a,c"};
    String[] expected = {
        "--label-column 'price,,rent' names an empty column (columns are separated by single commas)",
        table + ": column 3 ('price') is named twice as a target",
        table + ": every column is a target: at least one feature is needed",
    };
    for (int i = 0; i < specs.length; i++) {
      CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
          "--label-column", specs[i], "--epochs", "1", "--backend", "cpu");
      assertEquals(1, r.code(), specs[i] + ": " + r.out());
      assertEquals("jgrad train: " + expected[i], r.errorLine(), specs[i]);
    }
  }

  /**
   * predict --explain of two targets: each its own attributions in its units. The rent does not depend on c, the price
   * does (5 a unit of c), so c's share of the rent's attributions is small beside its share of the price's.
   */
  @Test
  void predictExplainsEachTargetOnItsOwn() throws IOException {
    Path rows = Files.writeString(dir.resolve("explain.csv"), rows(40, 9));
    CliRun r = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--explain", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    Map<String, Double> shareOfC = new java.util.HashMap<>();
    for (String line : r.lines()) {
      for (String target : List.of("price", "rent")) {
        Map<String, String> a = CliRun.object(line, "attributions", target);
        assertEquals(List.of("a", "area", "c"), List.copyOf(a.keySet()), line);
        double sum = a.values().stream().mapToDouble(Double::parseDouble).sum();
        double value = Double.parseDouble(CliRun.object(line, "values").get(target)); // printed in float32's digits
        double change = value - Double.parseDouble(CliRun.object(line, "baseline").get(target));
        assertEquals(sum - change, Double.parseDouble(CliRun.object(line, "delta").get(target)), 1e-6 * value, line);
        // The midpoint rule's error over 50 steps: a few percent of the attributions at most.
        double size = a.values().stream().mapToDouble(v -> Math.abs(Double.parseDouble(v))).sum();
        assertTrue(Math.abs(sum - change) < 0.05 * size + 0.01, line);
      }
      for (String target : List.of("price", "rent")) {
        Map<String, String> a = CliRun.object(line, "attributions", target);
        double size = a.values().stream().mapToDouble(v -> Math.abs(Double.parseDouble(v))).sum();
        shareOfC.merge(target, Math.abs(Double.parseDouble(a.get("c"))) / size, Double::sum);
      }
    }
    assertTrue(shareOfC.get("rent") < 0.3 * shareOfC.get("price"), "c's shares: " + shareOfC);
  }
}
