package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code train --dataset csv --task regression} on a table of one's own, then {@code eval} and {@code predict} from
 * the saved file: a price from three features in units a thousand times apart, one of them through a sine.
 */
class CsvRegressionCliTest {
  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static Map<String, String> trained;

  /** price = 50 + 10·sin(a) + 0.01·(area − 5000) + 5·c, with a, c from N(0, 1) and area from N(5000, 1000). */
  static double price(double a, double area, double c) {
    return 50 + 10 * Math.sin(a) + 0.01 * (area - 5000) + 5 * c;
  }

  /** Rows of a, price, area, c: the target in the second column. */
  static String rows(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("a,price,area,c\n");
    for (int i = 0; i < count; i++) {
      double a = random.nextGaussian();
      double area = 5000 + 1000 * random.nextGaussian();
      double c = random.nextGaussian();
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.1f,%.4f%n", a, price(a, area, c), area, c));
    }
    return csv.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("prices.csv"), rows(500, 1));
    model = dir.resolve("prices.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
        "--label-column", "price", "--hidden", "32", "--dropout", "0", "--batch", "16", "--epochs", "30", "--lr",
        "0.01", "--threads", "1", "--backend", "cpu", "--no-progress", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  /** The summary scores the held-out fifth in the price's units; it has no accuracy to report. */
  @Test
  void trainsOnTheTableAndReportsTheFitInTheTargetsUnits() {
    assertTrue(Double.parseDouble(trained.get("test_r2")) > 0.95, trained.toString());
    double rmse = Double.parseDouble(trained.get("test_rmse"));
    assertTrue(rmse < 4, trained.toString()); // the price's spread is about 15
    assertTrue(Double.parseDouble(trained.get("test_mae")) <= rmse, trained.toString());
    assertFalse(trained.containsKey("test_accuracy"), trained.toString());
  }

  @Test
  void evalScoresAnotherTableInThePricesUnits() throws IOException {
    Path other = Files.writeString(dir.resolve("other.csv"), rows(200, 2));
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.lines().size(), r.out());
    Map<String, String> s = r.summary();
    assertEquals("price", s.get("target"));
    assertEquals("200", s.get("examples"));
    assertTrue(Double.parseDouble(s.get("r2")) > 0.95, r.out());
    double rmse = Double.parseDouble(s.get("rmse"));
    assertEquals(rmse * rmse, Double.parseDouble(s.get("mse")), 1e-9 * rmse * rmse);
    assertTrue(rmse < 4, r.out());
    assertEquals("jgrad eval: --plot draws a classifier's ROC curves; " + model + " fits values (a regression model)",
        CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--plot",
            dir.resolve("roc.png").toString()).errorLine());
    assertEquals("jgrad eval: --confusion-plot draws a classifier's decisions; " + model + " fits values (a regression "
        + "model)", CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--confusion-plot",
            dir.resolve("cm.png").toString()).errorLine());
    assertEquals("jgrad eval: --threshold decides classes; " + model + " fits values (a regression model)",
        CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threshold", "0.3")
            .errorLine());
  }

  /**
   * --importance: a line a column before the summary, most important first. The price's variance is about 100 from
   * area, 43 from sin(a) and 25 from c, so shuffling each loses R² in that order.
   */
  @Test
  void evalRanksTheColumnsByTheR2TheirShuffleLoses() throws IOException {
    Path other = Files.writeString(dir.resolve("ranked.csv"), rows(400, 6));
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--importance",
        "--repeats", "3", "--threads", "1", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals(4, r.lines().size(), r.out());
    List<String> ranked = new ArrayList<>();
    double last = Double.POSITIVE_INFINITY;
    for (int i = 0; i < 3; i++) {
      Map<String, String> line = CliRun.fields(r.lines().get(i));
      assertEquals("importance", line.get("event"));
      assertEquals(Integer.toString(i + 1), line.get("rank"));
      assertEquals("r2", line.get("score"));
      double importance = Double.parseDouble(line.get("importance"));
      assertTrue(importance > 0.1 && importance < last, r.out());
      last = importance;
      ranked.add(line.get("column"));
    }
    assertEquals(List.of("area", "a", "c"), ranked);
    assertEquals("eval", r.summary().get("event"));
    assertEquals("jgrad eval: --repeats is for --importance", CliRun.run("eval", "--model", model.toString(),
        "--data", other.toString(), "--repeats", "3").errorLine());
    assertEquals("jgrad eval: --repeats must be >= 1, got 0", CliRun.run("eval", "--model", model.toString(),
        "--data", other.toString(), "--importance", "--repeats", "0").errorLine());
    assertEquals("jgrad eval: --importance is for a model of a table (it shuffles the table's columns); the "
        + "digits examples are images", CliRun.run("eval", "--model", model.toString(), "--dataset", "digits",
            "--importance").errorLine());
  }

  /** predict gives the price itself, with or without the price column, close to the formula's. */
  @Test
  void predictGivesValuesWithOrWithoutTheTargetColumn() throws IOException {
    double[][] rows = {{0.5, 6000, -1}, {-1, 4000, 0.25}};
    StringBuilder labelled = new StringBuilder("a,price,area,c\n");
    StringBuilder bare = new StringBuilder("c,a,area\n");
    for (double[] row : rows) {
      labelled.append(String.format(Locale.ROOT, "%s,0,%s,%s%n", row[0], row[1], row[2]));
      bare.append(String.format(Locale.ROOT, "%s,%s,%s%n", row[2], row[0], row[1]));
    }
    List<Double> values = new ArrayList<>();
    for (String text : List.of(labelled.toString(), bare.toString())) {
      Path input = Files.writeString(dir.resolve("input" + values.size() + ".csv"), text);
      CliRun r = CliRun.run("predict", "--model", model.toString(), input.toString(), "--backend", "cpu");
      assertEquals(0, r.code(), r.err());
      for (String line : r.lines()) {
        Map<String, String> f = CliRun.fields(line);
        assertEquals("price", f.get("target"), line);
        values.add(Double.parseDouble(f.get("value")));
      }
    }
    assertEquals(values.subList(0, 2), values.subList(2, 4), "the same rows, columns by name");
    for (int i = 0; i < rows.length; i++) {
      double truth = price(rows[i][0], rows[i][1], rows[i][2]);
      assertEquals(truth, values.get(i), 5, "row " + i);
    }
  }

  /**
   * A tenth of the training prices 100–200 too high (one-sided, as a stuck sensor's): the squared error's fit is pulled
   * up, Huber's and the absolute error's much less, scored on a clean table.
   */
  @Test
  void huberAndL1LossesResistGrossErrorsInTheTargets() throws IOException {
    String[] lines = rows(500, 3).split("\n");
    Random random = new Random(4);
    for (int i = 1; i < lines.length; i += 10) {
      String[] cells = lines[i].split(",");
      cells[1] = Double.toString(Double.parseDouble(cells[1]) + 100 + 100 * random.nextDouble());
      lines[i] = String.join(",", cells);
    }
    Path dirty = Files.writeString(dir.resolve("dirty.csv"), String.join("\n", lines) + "\n");
    Path clean = Files.writeString(dir.resolve("clean.csv"), rows(200, 5));
    Map<String, Double> rmse = new java.util.HashMap<>();
    for (String loss : List.of("mse", "huber", "l1")) {
      Path saved = dir.resolve(loss + ".safetensors");
      CliRun r = CliRun.run("train", "--dataset", "csv", "--data", dirty.toString(), "--test-data", clean.toString(),
          "--task", "regression", "--label-column", "price", "--loss", loss, "--hidden", "32", "--dropout", "0",
          "--batch", "16", "--epochs", "30", "--lr", "0.01", "--threads", "1", "--backend", "cpu", "--no-progress",
          "--save", saved.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(loss, r.summary().get("loss"));
      rmse.put(loss, Double.parseDouble(r.summary().get("test_rmse")));
    }
    assertTrue(rmse.get("mse") > 8, rmse.toString()); // pulled about 15 up: a tenth of 150
    assertTrue(rmse.get("huber") < rmse.get("mse") / 2, rmse.toString());
    assertTrue(rmse.get("l1") < rmse.get("mse") / 2, rmse.toString());
    // Resumed with its loss and delta; a contradicting one refused.
    Path huber = dir.resolve("huber-delta.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "csv", "--data", dirty.toString(), "--task", "regression",
        "--label-column", "price", "--loss", "huber", "--huber-delta", "0.5", "--hidden", "8", "--epochs", "1",
        "--threads", "1", "--backend", "cpu", "--no-progress", "--save", huber.toString());
    assertEquals(0, first.code(), first.err());
    assertEquals("0.5", first.summary().get("huber_delta"));
    CliRun resumed = CliRun.run("train", "--resume", huber.toString(), "--data", dirty.toString(), "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("huber", resumed.summary().get("loss"));
    assertEquals("0.5", resumed.summary().get("huber_delta"));
    assertEquals("jgrad train: --loss l1 contradicts " + huber + ", a run with --loss huber; leave --loss out to "
        + "continue that run", CliRun.run("train", "--resume", huber.toString(), "--data", dirty.toString(), "--loss",
            "l1", "--epochs", "2", "--backend", "cpu").errorLine());
  }

  /** --cv of a regression: the folds' R², RMSE and MAE averaged, no accuracy. */
  /**
   * With the noise's column left out (price's 5·c, c from N(0, 1), unseen), a model on the pinball loss of 0.9 predicts
   * about 5·1.28 above the mean and one of 0.1 as far below: each covers its share of another table's prices, eval
   * scores that share as train did, and a resumed run keeps its quantile.
   */
  @Test
  void quantileModelsBoundThePricesTheyCannotPredict() throws IOException {
    Path noisy = Files.writeString(dir.resolve("noisy.csv"), rows(1000, 7));
    Path other = Files.writeString(dir.resolve("noisy-other.csv"), rows(500, 8));
    Map<Double, Path> models = new java.util.TreeMap<>();
    for (double q : new double[] {0.1, 0.9}) {
      Path saved = dir.resolve("q" + q + ".safetensors");
      CliRun r = CliRun.run("train", "--dataset", "csv", "--data", noisy.toString(), "--task", "regression",
          "--label-column", "price", "--ignore-columns", "c", "--loss", "quantile", "--quantile", Double.toString(q),
          "--hidden", "32", "--dropout", "0", "--batch", "16", "--epochs", "20", "--lr", "0.01", "--threads", "1",
          "--backend", "cpu", "--no-progress", "--save", saved.toString());
      assertEquals(0, r.code(), r.err());
      Map<String, String> summary = r.summary();
      assertEquals("quantile", summary.get("loss"));
      assertEquals(Double.toString(q), summary.get("quantile"));
      CliRun eval = CliRun.run("eval", "--model", saved.toString(), "--data", other.toString(), "--threads", "1",
          "--backend", "cpu");
      assertEquals(0, eval.code(), eval.err());
      Map<String, String> scored = eval.summary();
      assertEquals(Double.toString(q), scored.get("quantile"));
      double coverage = Double.parseDouble(scored.get("coverage"));
      assertEquals(q, coverage, 0.07, "the share of prices at or below the predicted " + q + " quantile");
      assertTrue(Double.parseDouble(scored.get("pinball_loss")) < 2.5, scored.toString()); // the median's 0.5·E|5c| = 2
      models.put(q, saved);
    }
    // The two models' predictions for one row differ by about 2·1.28·5 = 12.8 (the noise's 10% and 90% points).
    Path row = Files.writeString(dir.resolve("row.csv"), "a,area\n0.3,5200\n");
    double[] values = new double[2];
    int i = 0;
    for (Path saved : models.values()) {
      CliRun r = CliRun.run("predict", "--model", saved.toString(), row.toString(), "--backend", "cpu");
      assertEquals(0, r.code(), r.err());
      values[i++] = Double.parseDouble(CliRun.fields(r.lines().get(0)).get("value"));
    }
    assertEquals(12.8, values[1] - values[0], 4, java.util.Arrays.toString(values));
    CliRun resumed = CliRun.run("train", "--resume", models.get(0.9).toString(), "--data", noisy.toString(),
        "--epochs", "21", "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("0.9", resumed.summary().get("quantile"));
  }

  @Test
  void crossValidationOfARegressionAveragesItsFit() throws IOException {
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
        "--label-column", "price", "--cv", "4", "--hidden", "8", "--epochs", "2", "--threads", "1", "--backend", "cpu",
        "--no-progress");
    assertEquals(0, r.code(), r.err());
    Map<String, String> s = r.summary();
    assertEquals("4", s.get("folds"));
    assertFalse(s.containsKey("test_accuracy"), r.out());
    for (String figure : List.of("test_r2", "test_rmse", "test_mae", "test_mse", "test_r2_std")) {
      assertTrue(Double.isFinite(Double.parseDouble(s.get(figure))), figure + ": " + r.out());
    }
    assertEquals(4, r.lines().stream().filter(l -> l.contains("\"event\":\"fold\"")).count());
  }

  @Test
  void aResumedRunKeepsItsTask() throws IOException {
    Path saved = dir.resolve("resumed.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "regression",
        "--label-column", "price", "--hidden", "8", "--epochs", "1", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--save", saved.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.summary().containsKey("test_r2"), resumed.out());
    CliRun contradicting = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--task",
        "classification", "--epochs", "2", "--backend", "cpu");
    assertEquals("jgrad train: --task classification contradicts " + saved + ", a run with --task regression; leave "
        + "--task out to continue that run", contradicting.errorLine());
  }

  @Test
  void misusesAreOneLineErrors() {
    String[][] cases = {
        {"--task", "regression"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--label-column", "price",
            "--label-smoothing", "0.1"},
        {"--dataset", "csv", "--data", table.toString(), "--label-column", "price"},
        {"--dataset", "csv", "--data", table.toString(), "--loss", "l1"},
        {"--huber-delta", "2"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--huber-delta", "2"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--loss", "huber", "--huber-delta",
            "0"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--loss", "cauchy"},
        {"--quantile", "0.9"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--quantile", "0.9"},
        {"--dataset", "csv", "--data", table.toString(), "--task", "regression", "--loss", "quantile", "--quantile",
            "1"},
    };
    String[] expected = {
        "--task is for --dataset csv (the digits files say their labels and test part)",
        "--label-smoothing is for classes; --task regression fits values (its loss is the mean squared error)",
        table + ": label column 'price' has a different value in each of its 500 rows: an identifier or a continuous "
            + "target, not classes (name the label column, or read it as a regression target)",
        "--loss is for --task regression (a classifier trains on cross-entropy)",
        "--huber-delta is for --task regression (a classifier trains on cross-entropy)",
        "--huber-delta is for --loss huber",
        "--huber-delta must be a finite number > 0, got 0.0",
        "unknown --loss 'cauchy'; expected mse, l1, huber or quantile",
        "--quantile is for --task regression (a classifier trains on cross-entropy)",
        "--quantile is for --loss quantile",
        "--quantile must be in (0, 1), got 1.0",
    };
    for (int i = 0; i < cases.length; i++) {
      List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--backend", "cpu"));
      args.addAll(List.of(cases[i]));
      CliRun r = CliRun.run(args.toArray(new String[0]));
      assertEquals(1, r.code(), String.join(" ", cases[i]) + ": " + r.out());
      assertEquals("jgrad train: " + expected[i], r.errorLine(), String.join(" ", cases[i]));
    }
    assertEquals("jgrad eval: --top-k is for a classifier; " + model + " fits values (a regression model)",
        CliRun.run("eval", "--model", model.toString(), "--data", table.toString(), "--top-k", "2").errorLine());
    assertEquals("jgrad predict: --top-k is for a classifier; " + model + " fits values (a regression model)",
        CliRun.run("predict", "--model", model.toString(), table.toString(), "--top-k", "2").errorLine());
    assertEquals("jgrad eval: " + model + " fits values of a CSV table (a regression model); the digits files hold "
        + "classes", CliRun.run("eval", "--model", model.toString(), "--dataset", "digits").errorLine());
  }
}
