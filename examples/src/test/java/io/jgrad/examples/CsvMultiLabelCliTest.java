package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.CsvLine;
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
 * {@code train --task multilabel --label-column sports,news,arts}: three labels that apply to a row in any number,
 * each by its own rule, fitted by one MLP of three outputs on binary cross-entropy (scikit-learn's multi-label
 * classification), then {@code eval}, {@code predict}, {@code --resume} and {@code --cv}.
 */
class CsvMultiLabelCliTest {
  private static final String[] LABELS = {"sports", "news", "arts"};
  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static String summary;
  /** The training run's whole output, its epoch lines included. */
  private static String output;

  /** The rules: sports where x0 + x1/2 > 0, news where x2 > 0.3 or the color is red, arts where x0 − x2 > 0.5. */
  static boolean[] labels(double x0, double x1, double x2, String color) {
    return new boolean[] {x0 + 0.5 * x1 > 0, x2 > 0.3 || color.equals("red"), x0 - x2 > 0.5};
  }

  /** Rows of x0, sports, x1, color, news, x2, arts: sports and arts as 1/0, news as pandas writes booleans. */
  static String rows(int count, long seed) {
    Random random = new Random(seed);
    String[] colors = {"red", "green", "blue"};
    StringBuilder csv = new StringBuilder("x0,sports,x1,color,news,x2,arts\n");
    for (int i = 0; i < count; i++) {
      double x0 = random.nextGaussian();
      double x1 = random.nextGaussian();
      double x2 = random.nextGaussian();
      String color = colors[random.nextInt(3)];
      boolean[] y = labels(x0, x1, x2, color);
      csv.append(String.format(Locale.ROOT, "%.4f,%d,%.4f,%s,%s,%.4f,%d%n", x0, y[0] ? 1 : 0, x1, color,
          y[1] ? "True" : "False", x2, y[2] ? 1 : 0));
    }
    return csv.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("tags.csv"), rows(800, 1));
    model = dir.resolve("tags.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "multilabel",
        "--label-column", "sports, news,arts", "--hidden", "32", "--dropout", "0", "--batch", "16", "--epochs", "15",
        "--lr", "0.01", "--threads", "1", "--backend", "cpu", "--no-progress", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    summary = r.lines().get(r.lines().size() - 1);
    output = r.out() + r.err();
  }

  /** The summary scores the labels together (subset accuracy, Hamming loss, F1 micro and macro) and each on its own. */
  @Test
  void theSummaryScoresTheLabelsTogetherAndEachOnItsOwn() throws IOException {
    Map<String, String> s = CliRun.fields(summary);
    assertTrue(summary.matches(".*\"test_per_label\":\\{\"sports\":\\{[^}]*},\"news\":\\{[^}]*},\"arts\":\\{[^}]*}}.*"),
        summary);
    assertTrue(Double.parseDouble(s.get("test_subset_accuracy")) > 0.85, summary);
    assertTrue(Double.parseDouble(s.get("test_hamming_loss")) < 0.06, summary);
    assertTrue(!s.containsKey("test_accuracy") && !s.containsKey("label-smoothing"), summary);
    // Each epoch's line gives the test part's subset accuracy as its accuracy: the last one's is the summary's.
    String last = output.lines().filter(l -> l.startsWith("epoch 15/15") && l.contains("test_accuracy")).findFirst()
        .orElseThrow(() -> new AssertionError("no last epoch line with an accuracy in " + output));
    assertEquals(String.format(Locale.ROOT, "%.4f", Double.parseDouble(s.get("test_subset_accuracy"))),
        last.replaceFirst(".*test_accuracy (\\S+).*", "$1"), last);
    double macro = 0;
    long support = 0;
    for (String label : LABELS) {
      Map<String, String> own = CliRun.object(summary, "test_per_label", label);
      assertTrue(Double.parseDouble(own.get("f1")) > 0.9, summary);
      macro += Double.parseDouble(own.get("f1")) / LABELS.length;
      support += Long.parseLong(own.get("support"));
    }
    assertEquals(macro, Double.parseDouble(s.get("test_f1_macro")), 1e-12);
    // A fifth of 800 rows held out; about half of each label applies, so the three supports sum to about 240.
    assertTrue(support > 160 && support < 320, summary);
  }

  /**
   * eval scores another table as predict labels it: its subset accuracy is the fraction of rows whose labels predict
   * gives are exactly the rows' own, and its Hamming loss the fraction of label decisions that differ.
   */
  @Test
  void evalScoresAnotherTableAsPredictLabelsIt() throws IOException {
    String text = rows(200, 2);
    Path other = Files.writeString(dir.resolve("other.csv"), text);
    CliRun eval = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    String line = eval.lines().get(eval.lines().size() - 1);
    Map<String, String> s = CliRun.fields(line);
    assertEquals("200", s.get("examples"));
    assertTrue(line.contains("\"labels\":[\"sports\",\"news\",\"arts\"]"), line);
    CliRun predict = CliRun.run("predict", "--model", model.toString(), other.toString(), "--backend", "cpu");
    assertEquals(0, predict.code(), predict.err());
    List<String> rows = text.lines().skip(1).toList();
    int exact = 0;
    int wrong = 0;
    for (int i = 0; i < rows.size(); i++) {
      String[] cells = rows.get(i).split(",");
      List<String> truth = new ArrayList<>();
      for (int c : new int[] {1, 4, 6}) {
        if (cells[c].equals("1") || cells[c].equals("True")) {
          truth.add(LABELS[c == 1 ? 0 : c == 4 ? 1 : 2]);
        }
      }
      List<String> predicted = labelsOf(predict.lines().get(i));
      exact += truth.equals(predicted) ? 1 : 0;
      for (String label : LABELS) {
        wrong += truth.contains(label) != predicted.contains(label) ? 1 : 0;
      }
    }
    assertEquals(exact / 200.0, Double.parseDouble(s.get("subset_accuracy")), 1e-12);
    assertEquals(wrong / 600.0, Double.parseDouble(s.get("hamming_loss")), 1e-12);
    assertTrue(exact > 170, line);
    // Each label's area under the ROC curve is that of predict's probabilities; the summary's is their mean.
    double meanArea = 0;
    for (int l = 0; l < LABELS.length; l++) {
      double[] probabilities = new double[rows.size()];
      boolean[] present = new boolean[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        probabilities[i] = Double.parseDouble(CliRun.object(predict.lines().get(i), "probabilities").get(LABELS[l]));
        String cell = rows.get(i).split(",")[new int[] {1, 4, 6}[l]];
        present[i] = cell.equals("1") || cell.equals("True");
      }
      double area = Double.parseDouble(CliRun.object(line, "per_label", LABELS[l]).get("roc_auc"));
      RankingCliTest.assertArea(probabilities, present, area);
      meanArea += area / LABELS.length;
    }
    assertEquals(meanArea, Double.parseDouble(s.get("roc_auc")), 1e-12);
    Path png = dir.resolve("labels.png");
    assertEquals(0, CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--plot",
        png.toString(), "--threads", "1", "--backend", "cpu").code());
    assertEquals(800, javax.imageio.ImageIO.read(png.toFile()).getWidth());
    // --threshold 0.1: more labels present in eval's figures and in predict's lines alike.
    CliRun low = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threshold", "0.1",
        "--threads", "1", "--backend", "cpu");
    double recall = Double.parseDouble(CliRun.object(line, "per_label", "news").get("recall"));
    String lowLine = low.lines().get(low.lines().size() - 1);
    assertTrue(Double.parseDouble(CliRun.object(lowLine, "per_label", "news").get("recall")) >= recall, lowLine);
    CliRun predictLow = CliRun.run("predict", "--model", model.toString(), other.toString(), "--threshold", "0.1",
        "--backend", "cpu");
    int present = 0;
    int presentLow = 0;
    for (int i = 0; i < rows.size(); i++) {
      present += labelsOf(predict.lines().get(i)).size();
      presentLow += labelsOf(predictLow.lines().get(i)).size();
    }
    assertTrue(presentLow > present, presentLow + " labels at 0.1 against " + present);
    assertEquals("jgrad eval: --calibration-plot draws a classifier of exclusive classes; " + model + " tells each "
        + "label on its own (a multi-label model)", CliRun.run("eval", "--model", model.toString(), "--data",
        other.toString(), "--calibration-plot", dir.resolve("r.png").toString()).errorLine());
    assertEquals("jgrad eval: --confusion-plot draws a classifier of exclusive classes; " + model + " tells each "
        + "label on its own (a multi-label model)", CliRun.run("eval", "--model", model.toString(), "--data",
        other.toString(), "--confusion-plot", dir.resolve("c.png").toString()).errorLine());
    // Each input column decides a label, so shuffling any of them costs subset accuracy.
    CliRun importance = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--importance",
        "--repeats", "2", "--threads", "1", "--backend", "cpu");
    assertEquals(0, importance.code(), importance.err());
    List<String> columns = importance.lines().stream().filter(l -> l.contains("\"event\":\"importance\"")).toList();
    assertEquals(4, columns.size(), importance.out());
    for (String column : columns) {
      Map<String, String> f = CliRun.fields(column);
      assertEquals("subset_accuracy", f.get("score"));
      assertTrue(Double.parseDouble(f.get("importance")) > 0.05, column);
    }
  }

  /** The labels a predict line names, in the model's order. */
  private static List<String> labelsOf(String line) {
    String list = line.replaceFirst(".*\"labels\":\\[([^]]*)].*", "$1");
    return list.isEmpty() ? List.of() : List.of(list.replace("\"", "").split(","));
  }

  /** predict labels rows with or without the label columns, by the header's names; as CSV, the same decisions. */
  @Test
  void predictLabelsRowsWithOrWithoutTheLabelColumns() throws IOException {
    double[][] rows = {{1.5, 0.5, -1}, {-1, -0.5, 1}};
    String[] colors = {"blue", "red"};
    StringBuilder labelled = new StringBuilder("x0,sports,x1,color,news,x2,arts\n");
    StringBuilder bare = new StringBuilder("color,x2,x0,x1\n");
    for (int i = 0; i < rows.length; i++) {
      double[] r = rows[i];
      labelled.append(String.format(Locale.ROOT, "%s,0,%s,%s,0,%s,0%n", r[0], r[1], colors[i], r[2]));
      bare.append(String.format(Locale.ROOT, "%s,%s,%s,%s%n", colors[i], r[2], r[0], r[1]));
    }
    List<String> lines = new ArrayList<>();
    List<String> texts = List.of(labelled.toString(), bare.toString());
    for (int t = 0; t < texts.size(); t++) {
      Path input = Files.writeString(dir.resolve("input" + t + ".csv"), texts.get(t));
      CliRun r = CliRun.run("predict", "--model", model.toString(), input.toString(), "--backend", "cpu");
      assertEquals(0, r.code(), r.err());
      r.lines().forEach(l -> lines.add(l.replaceFirst("\"input\":\"[^\"]*\",", "")));
    }
    assertEquals(lines.subList(0, 2), lines.subList(2, 4), "the same rows, columns by name");
    // Row 0: x0 + x1/2 > 0, x2 < 0.3 and blue, x0 − x2 = 2.5: sports and arts. Row 1: red and x2 = 1: news alone.
    assertEquals(List.of("sports", "arts"), labelsOf(lines.get(0)));
    assertEquals(List.of("news"), labelsOf(lines.get(1)));
    CliRun csv = CliRun.run("predict", "--model", model.toString(), dir.resolve("input1.csv").toString(), "--format",
        "csv", "--backend", "cpu");
    assertEquals(0, csv.code(), csv.err());
    assertEquals("input,sports,news,arts,probability_sports,probability_news,probability_arts", csv.lines().get(0));
    CsvLine cells = new CsvLine();
    for (int i = 0; i < 2; i++) {
      assertTrue(cells.split(csv.lines().get(i + 1)));
      Map<String, String> probabilities = CliRun.object(lines.get(i), "probabilities");
      for (int l = 0; l < LABELS.length; l++) {
        assertEquals(labelsOf(lines.get(i)).contains(LABELS[l]) ? "1" : "0", cells.text(1 + l));
        assertEquals(Float.parseFloat(probabilities.get(LABELS[l])), Float.parseFloat(cells.text(4 + l)));
      }
    }
  }

  @Test
  void aResumedRunKeepsItsLabelsAndCrossValidationAveragesTheFolds() throws IOException {
    Path saved = dir.resolve("resumed.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "multilabel",
        "--label-column", "sports,news,arts", "--hidden", "8", "--epochs", "1", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--save", saved.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.lines().get(resumed.lines().size() - 1).contains("\"test_per_label\":{\"sports\":"),
        resumed.out());
    assertEquals("jgrad train: --task classification contradicts " + saved + ", a run with --task multilabel; leave "
        + "--task out to continue that run", CliRun.run("train", "--resume", saved.toString(), "--data",
            table.toString(), "--task", "classification", "--epochs", "2", "--backend", "cpu").errorLine());
    CliRun cv = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--task", "multilabel",
        "--label-column", "sports,news,arts", "--hidden", "8", "--epochs", "1", "--cv", "3", "--threads", "1",
        "--backend", "cpu", "--no-progress");
    assertEquals(0, cv.code(), cv.err());
    List<String> folds = cv.lines().stream().filter(l -> l.contains("\"event\":\"fold\"")).toList();
    assertEquals(3, folds.size());
    double mean = 0;
    for (String fold : folds) {
      mean += Double.parseDouble(CliRun.fields(fold).get("test_subset_accuracy")) / 3;
    }
    assertEquals(mean, Double.parseDouble(cv.summary().get("test_subset_accuracy")), 1e-12);
  }

  /**
   * --class-weights of a multi-label table weighs each label's present examples (PyTorch's pos_weight): as given, or
   * balanced, the label's absent examples over its present ones in the training part (here the whole table).
   */
  @Test
  void classWeightsWeighEachLabelsPresentExamples() throws IOException {
    Path test = Files.writeString(dir.resolve("weights-test.csv"), rows(100, 4));
    String[] base = {"train", "--dataset", "csv", "--data", table.toString(), "--test-data", test.toString(), "--task",
        "multilabel", "--label-column", "sports,news,arts", "--hidden", "8", "--epochs", "1", "--threads", "1",
        "--backend", "cpu", "--no-progress"};
    CliRun given = CliRun.run(base, "--class-weights", "1, 2,0.5");
    assertEquals(0, given.code(), given.err());
    String line = given.lines().get(given.lines().size() - 1);
    assertTrue(line.contains("\"pos_weight\":[1.0,2.0,0.5]"), line);
    CliRun balanced = CliRun.run(base, "--class-weights", "balanced");
    assertEquals(0, balanced.code(), balanced.err());
    long[] present = new long[3];
    List<String> rows = Files.readAllLines(table).subList(1, 801);
    for (String row : rows) {
      String[] cells = row.split(",");
      present[0] += cells[1].equals("1") ? 1 : 0;
      present[1] += cells[4].equals("True") ? 1 : 0;
      present[2] += cells[6].equals("1") ? 1 : 0;
    }
    StringBuilder expected = new StringBuilder();
    for (long p : present) {
      expected.append(expected.length() == 0 ? "" : ",").append((double) (float) ((800.0 - p) / p));
    }
    String weighted = balanced.lines().get(balanced.lines().size() - 1);
    assertTrue(weighted.contains("\"pos_weight\":[" + expected + "]"), expected + " in " + weighted);
  }

  @Test
  void optionsOfExclusiveClassesAndLabelsOtherThanZeroOrOneAreOneLineErrors() throws IOException {
    String[] base = {"train", "--dataset", "csv", "--data", table.toString(), "--task", "multilabel",
        "--label-column", "sports,news,arts", "--epochs", "1", "--backend", "cpu"};
    assertEquals("jgrad train: --class-weights 1,2 gives 2 weights for 3 labels (sports, news, arts)",
        CliRun.run(base, "--class-weights", "1,2").errorLine());
    assertEquals("jgrad train: --label-smoothing is for exclusive classes; --task multilabel trains on each label's "
        + "binary cross-entropy", CliRun.run(base, "--label-smoothing", "0.1").errorLine());
    assertEquals("jgrad train: --loss is for --task regression (a classifier trains on cross-entropy)",
        CliRun.run(base, "--loss", "l1").errorLine());
    Path two = Files.writeString(dir.resolve("two.csv"), "x0,sports\n0.5,1\n-1,2\n");
    assertEquals("jgrad train: " + two + ": line 3, the label ('sports') is '2': a multi-label table marks a label "
        + "present with 1 (or true) and absent with 0 (or false)", CliRun.run("train", "--dataset", "csv", "--data",
            two.toString(), "--task", "multilabel", "--label-column", "sports", "--backend", "cpu").errorLine());
    for (String command : List.of("eval", "predict")) {
      String[] args = command.equals("eval") ? new String[] {"eval", "--model", model.toString(), "--data",
          table.toString(), "--top-k", "2", "--backend", "cpu"}
          : new String[] {"predict", "--model", model.toString(), table.toString(), "--top-k", "2", "--backend", "cpu"};
      assertEquals("jgrad " + command + ": --top-k is for a classifier of exclusive classes; " + model + " tells each "
          + "label on its own (a multi-label model)", CliRun.run(args).errorLine());
    }
  }
}
