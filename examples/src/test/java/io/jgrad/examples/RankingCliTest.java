package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.CsvLine;
import io.jgrad.train.TemperatureScaling;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a classifier of a table of one's own ranks its classes over every threshold: {@code train}'s {@code
 * test_roc_auc} and {@code test_average_precision}, {@code eval}'s each class's and their summary, and {@code eval
 * --plot}'s ROC curves. The areas are checked against the positive–negative pairs counted from {@code predict}'s
 * probabilities.
 */
class RankingCliTest {
  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static Map<String, String> trained;

  /** Rows of x0, x1, churn: "yes" with probability σ(1.5·x0 − x1), so that no model ranks them all right. */
  static String rows(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("x0,x1,churn\n");
    for (int i = 0; i < count; i++) {
      double x0 = random.nextGaussian();
      double x1 = random.nextGaussian();
      boolean yes = random.nextDouble() < 1 / (1 + Math.exp(-(1.5 * x0 - x1)));
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", x0, x1, yes ? "yes" : "no"));
    }
    return csv.toString();
  }

  private static final String[] RUN = {"--hidden", "16", "--batch", "16", "--epochs", "10", "--lr", "0.01",
      "--threads", "1", "--backend", "cpu", "--no-progress"};

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("churn.csv"), rows(500, 1));
    model = dir.resolve("churn.safetensors");
    CliRun r = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--label-column",
        "churn", "--save", model.toString()}, RUN);
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  /**
   * The summary ranks the held-out fifth: the rule's noise keeps the area well under 1 and its signal well over 0.5;
   * the average precision is above the share of "yes" (about a half), what scores that know nothing reach.
   */
  @Test
  void theSummaryRanksTheTestPart() {
    double auc = Double.parseDouble(trained.get("test_roc_auc"));
    assertTrue(auc > 0.7 && auc < 0.97, trained.toString());
    assertTrue(Double.parseDouble(trained.get("test_average_precision")) > 0.6, trained.toString());
    assertTrue(Double.parseDouble(trained.get("test_macro_f1")) > 0.6, trained.toString());
  }

  /**
   * eval's areas are those of predict's probabilities: each class's against the rest, and the summary's that of
   * the second class, "yes" (scikit-learn's roc_auc_score(y, p[:, 1])).
   */
  @Test
  void evalRanksEveryRowAsPredictsProbabilitiesDo() throws IOException {
    String text = rows(300, 2);
    Path other = Files.writeString(dir.resolve("other.csv"), text);
    CliRun eval = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    CliRun predict = CliRun.run("predict", "--model", model.toString(), other.toString(), "--format", "csv",
        "--backend", "cpu");
    assertEquals(0, predict.code(), predict.err());
    List<String> truth = text.lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
    CsvLine cells = new CsvLine();
    double[][] probabilities = new double[2][truth.size()];
    for (int i = 0; i < truth.size(); i++) {
      assertTrue(cells.split(predict.lines().get(i + 1)));
      probabilities[0][i] = cells.value(4); // probability_no
      probabilities[1][i] = cells.value(5); // probability_yes
    }
    String[] names = {"no", "yes"};
    for (int c = 0; c < 2; c++) {
      Map<String, String> line = CliRun.fields(eval.lines().get(c));
      assertEquals(names[c], line.get("name"));
      boolean[] positive = new boolean[truth.size()];
      for (int i = 0; i < positive.length; i++) {
        positive[i] = truth.get(i).equals(names[c]);
      }
      assertArea(probabilities[c], positive, Double.parseDouble(line.get("roc_auc")));
      double ap = Double.parseDouble(line.get("average_precision"));
      assertTrue(ap > 0.6 && ap <= 1, line.toString());
    }
    Map<String, String> s = eval.summary();
    // The calibration error of the same probabilities: 15 bins of the likelier class's, (b/15, (b+1)/15].
    long[] count = new long[15];
    double[] gap = new double[15];
    for (int i = 0; i < truth.size(); i++) {
      int predicted = probabilities[1][i] > probabilities[0][i] ? 1 : 0;
      double confidence = probabilities[predicted][i];
      int b = Math.min(14, (int) Math.ceil(confidence * 15) - 1);
      count[b]++;
      gap[b] += (truth.get(i).equals(names[predicted]) ? 1 : 0) - confidence;
    }
    double ece = 0;
    for (int b = 0; b < 15; b++) {
      ece += Math.abs(gap[b]) / truth.size();
    }
    assertEquals(ece, Double.parseDouble(s.get("ece")), 1e-6, s.toString());
    Map<String, String> yes = CliRun.fields(eval.lines().get(1));
    assertEquals(yes.get("roc_auc"), s.get("roc_auc"));
    assertEquals(yes.get("average_precision"), s.get("average_precision"));
  }

  /**
   * {@code expected}, an area from scores kept more finely than {@code probabilities} (float32, as predict prints
   * them), equals the pairs counted from those probabilities, but for the pairs they tie: each can move the count by
   * a half.
   */
  static void assertArea(double[] probabilities, boolean[] positive, double area) {
    double wins = 0;
    long ties = 0;
    long pairs = 0;
    for (int i = 0; i < positive.length; i++) {
      for (int j = 0; j < positive.length; j++) {
        if (positive[i] && !positive[j]) {
          pairs++;
          wins += probabilities[i] > probabilities[j] ? 1 : 0;
          ties += probabilities[i] == probabilities[j] ? 1 : 0;
        }
      }
    }
    assertTrue(pairs > 0, "no pairs of a positive and a negative");
    assertEquals((wins + ties / 2.0) / pairs, area, (ties / 2.0) / pairs + 1e-12);
  }

  /**
   * eval --plot draws the curves as a PNG, --calibration-plot the reliability diagram, --confusion-plot the confusion
   * matrix; a name that is not .png and one inside the data evaluated are one line each.
   */
  @Test
  void evalPlotsTheRocCurve() throws IOException {
    Path png = dir.resolve("roc.png");
    CliRun eval = CliRun.run("eval", "--model", model.toString(), "--data", table.toString(), "--plot",
        png.toString(), "--threads", "1", "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(800, image.getWidth());
    assertEquals(600, image.getHeight());
    Path reliability = dir.resolve("reliability.png");
    assertEquals(0, CliRun.run("eval", "--model", model.toString(), "--data", table.toString(), "--calibration-plot",
        reliability.toString(), "--threads", "1", "--backend", "cpu").code());
    assertEquals(600, ImageIO.read(reliability.toFile()).getHeight());
    Path confusion = dir.resolve("confusion.png");
    assertEquals(0, CliRun.run("eval", "--model", model.toString(), "--data", table.toString(), "--confusion-plot",
        confusion.toString(), "--threads", "1", "--backend", "cpu").code());
    assertEquals(400, ImageIO.read(confusion.toFile()).getHeight(), "two classes: the smallest chart");
    assertEquals("jgrad eval: --plot " + dir.resolve("roc.svg") + ": unsupported image format; charts are written as "
        + "PNG, so the name must end in .png", CliRun.run("eval", "--model", model.toString(), "--data",
        table.toString(), "--plot", dir.resolve("roc.svg").toString()).errorLine());
    Path inside = Files.createDirectories(dir.resolve("images"));
    assertEquals("jgrad eval: --plot " + inside.resolve("roc.png") + " would overwrite the data evaluated (" + inside
        + "): write the chart elsewhere", CliRun.run("eval", "--model", model.toString(), "--dataset", "images",
        "--data", inside.toString(), "--plot", inside.resolve("roc.png").toString()).errorLine());
  }

  /** --cv 3: the folds' areas and their mean, as scikit-learn's cross_validate(scoring="roc_auc") reports them. */
  @Test
  void crossValidationAveragesTheFoldsAreas() throws IOException {
    CliRun r = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--label-column",
        "churn", "--cv", "3"}, RUN);
    assertEquals(0, r.code(), r.err());
    List<Double> areas = new ArrayList<>();
    for (String line : r.lines()) {
      if (line.contains("\"event\":\"fold\"")) {
        areas.add(Double.parseDouble(CliRun.fields(line).get("test_roc_auc")));
      }
    }
    assertEquals(3, areas.size(), r.out());
    assertEquals(areas.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
        Double.parseDouble(r.summary().get("test_roc_auc")), 1e-12);
  }

  /**
   * --threshold 0.2: "yes" predicted wherever its probability is above 0.2, so eval finds more of them (recall up,
   * precision down) with the same area, and its confusion matrix counts predict's decisions at the same threshold.
   */
  @Test
  void aLowerThresholdFindsMoreOfTheSecondClass() throws IOException {
    String text = rows(300, 3);
    Path other = Files.writeString(dir.resolve("threshold.csv"), text);
    String[] base = {"eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1", "--backend",
        "cpu"};
    CliRun plain = CliRun.run(base);
    CliRun low = CliRun.run(base, "--threshold", "0.2");
    assertEquals(0, low.code(), low.err());
    Map<String, String> yesPlain = CliRun.fields(plain.lines().get(1));
    Map<String, String> yesLow = CliRun.fields(low.lines().get(1));
    assertTrue(Double.parseDouble(yesLow.get("recall")) > Double.parseDouble(yesPlain.get("recall")), low.out());
    assertTrue(Double.parseDouble(yesLow.get("precision")) < Double.parseDouble(yesPlain.get("precision")), low.out());
    assertEquals("0.2", low.summary().get("threshold"));
    assertEquals(plain.summary().get("roc_auc"), low.summary().get("roc_auc"));
    CliRun predict = CliRun.run("predict", "--model", model.toString(), other.toString(), "--threshold", "0.2",
        "--backend", "cpu");
    List<String> truth = text.lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
    long[][] confusion = new long[2][2];
    for (int i = 0; i < truth.size(); i++) {
      String predicted = CliRun.fields(predict.lines().get(i)).get("class");
      confusion[truth.get(i).equals("yes") ? 1 : 0][predicted.equals("yes") ? 1 : 0]++;
    }
    String matrix = low.lines().get(2);
    assertTrue(matrix.contains("\"matrix\":[[" + confusion[0][0] + "," + confusion[0][1] + "],[" + confusion[1][0] + ","
        + confusion[1][1] + "]]"), matrix + " against predict's " + java.util.Arrays.deepToString(confusion));
    assertEquals("jgrad eval: --threshold must be a probability in (0, 1), got 1.5", CliRun.run(base, "--threshold",
        "1.5").errorLine());
    // The summary's best_f1_threshold, given back as --threshold, gives "yes" its best_f1, no lower than at 0.5.
    Map<String, String> s = plain.summary();
    CliRun best = CliRun.run(base, "--threshold", s.get("best_f1_threshold"));
    assertEquals(Double.parseDouble(s.get("best_f1")), Double.parseDouble(CliRun.fields(best.lines().get(1))
        .get("f1")), 1e-12, best.out());
    assertTrue(Double.parseDouble(s.get("best_f1")) >= Double.parseDouble(yesPlain.get("f1")), s.toString());
  }

  /**
   * --calibrate: a temperature fitted to the validation part, the calibrated model written beside the run's checkpoint
   * of the same weights; both predict the same classes, the calibrated one with probabilities σ(d / T) where the other
   * gives σ(d), and eval reports its temperature. Without --val-split, or for a regression, one line each.
   */
  @Test
  void calibrateWritesTheModelWithItsTemperature() throws IOException {
    Path raw = dir.resolve("raw.safetensors");
    Path calibrated = dir.resolve("calibrated.safetensors");
    CliRun r = CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--label-column",
        "churn", "--val-split", "0.2", "--save", raw.toString(), "--calibrate", calibrated.toString()}, RUN);
    assertEquals(0, r.code(), r.err());
    Map<String, String> s = r.summary();
    double t = Double.parseDouble(s.get("temperature"));
    assertTrue(t > TemperatureScaling.MIN && t < TemperatureScaling.MAX, s.toString());
    assertTrue(Double.parseDouble(s.get("test_nll_calibrated")) > 0, s.toString());
    assertEquals(calibrated.toString(), s.get("calibrated_model"));
    Path rows = Files.writeString(dir.resolve("calibrate.csv"), rows(20, 4));
    CliRun before = CliRun.run("predict", "--model", raw.toString(), rows.toString(), "--format", "csv", "--backend",
        "cpu");
    CliRun after = CliRun.run("predict", "--model", calibrated.toString(), rows.toString(), "--format", "csv",
        "--backend", "cpu");
    CsvLine cells = new CsvLine();
    for (int i = 1; i <= 20; i++) {
      assertTrue(cells.split(before.lines().get(i)));
      String label = cells.texts().get(1);
      double d = Math.log(cells.value(5) / cells.value(4)); // the logits' difference
      assertTrue(cells.split(after.lines().get(i)));
      assertEquals(label, cells.texts().get(1), "row " + i);
      assertEquals(1 / (1 + Math.exp(-d / t)), cells.value(5), 2e-5, "row " + i);
    }
    CliRun eval = CliRun.run("eval", "--model", calibrated.toString(), "--data", rows.toString(), "--backend", "cpu");
    assertEquals(Double.toString(t), eval.summary().get("temperature"));
    assertEquals("jgrad train: --calibrate fits the temperature to held-out examples: give --val-split",
        CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--calibrate",
            calibrated.toString()}, RUN).errorLine());
    assertEquals("jgrad train: --calibrate fits a classifier's softmax temperature; --task regression has none",
        CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--label-column", "x0",
            "--task", "regression", "--val-split", "0.2", "--calibrate", calibrated.toString()}, RUN).errorLine());
  }

  /**
   * eval --importance --scoring roc-auc: x0 weighs 1.5 and x1 −1 in the rule, so x0's shuffle costs the ranking more;
   * both cost something; the lines name the score.
   */
  @Test
  void importanceByTheRocAuc() throws IOException {
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", table.toString(), "--importance",
        "--scoring", "roc-auc", "--repeats", "3", "--threads", "1", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    List<Map<String, String>> lines = new ArrayList<>();
    for (String line : r.lines()) {
      if (line.contains("\"event\":\"importance\"")) {
        lines.add(CliRun.fields(line));
      }
    }
    assertEquals(List.of("x0", "x1"), lines.stream().map(l -> l.get("column")).toList(), r.out());
    for (Map<String, String> line : lines) {
      assertEquals("roc_auc", line.get("score"));
      assertTrue(Double.parseDouble(line.get("importance")) > 0.02, line.toString());
    }
    assertEquals("jgrad eval: --scoring is for --importance", CliRun.run("eval", "--model", model.toString(),
        "--data", table.toString(), "--scoring", "roc-auc").errorLine());
  }
}
