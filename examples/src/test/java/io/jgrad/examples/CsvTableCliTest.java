package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.Fifos;
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
 * {@code train --dataset csv} on a table of one's own, then {@code eval} and {@code predict} from the saved file: three
 * classes named in text, features in units a thousand times apart (each standardised on its own).
 */
class CsvTableCliTest {
  private static final List<String> SPECIES = List.of("alpha", "beta", "gamma");

  @TempDir static Path dir;
  private static Path table;
  private static Path model;
  private static Map<String, String> trained;

  /** 300 rows: class c around (c, 1000·c, −c) with spread 0.25, 250 and 0.25, the label in the second column. */
  static String rows(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("length,species,weight,depth\n");
    for (int i = 0; i < count; i++) {
      int c = i % 3;
      csv.append(String.format(Locale.ROOT, "%.4f,%s,%.2f,%.4f%n", c + 0.25 * random.nextGaussian(), SPECIES.get(c),
          1000 * c + 250 * random.nextGaussian(), -c + 0.25 * random.nextGaussian()));
    }
    return csv.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    table = Files.writeString(dir.resolve("table.csv"), rows(300, 1));
    model = dir.resolve("table.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--label-column", "species",
        "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01", "--threads", "1", "--backend", "cpu", "--no-progress",
        "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  @Test
  void trainsOnTheTableAndTestsOnAFifthHeldOut() {
    assertEquals("csv", trained.get("dataset"));
    assertTrue(Double.parseDouble(trained.get("test_accuracy")) >= 0.95, trained.toString());
  }

  /**
   * The JIT warm-up runs for a table too (its width from the first row, two classes guessed) and changes nothing: the
   * run without it ends with the same bits.
   */
  @Test
  void theWarmUpLeavesATablesRunAsItIs() throws IOException {
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--label-column", "species",
        "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--warm-up", "0");
    assertEquals(0, r.code(), r.err());
    assertEquals(trained.get("train_loss"), r.summary().get("train_loss"));
    assertEquals(trained.get("test_loss"), r.summary().get("test_loss"));
  }

  /** The warm-up's guess at a table's width: its first row's cells, 0 where there is nothing to read without blocking. */
  @Test
  void theWarmUpTakesTheWidthFromTheFirstRow() throws Exception {
    assertEquals(4, CsvFiles.cellsInFirstRow(table));
    assertEquals(3, CsvFiles.cellsInFirstRow(Files.writeString(dir.resolve("blank-first.csv"), "\n \n1,\"2,5\",a\n")));
    assertEquals(0, CsvFiles.cellsInFirstRow(dir.resolve("absent.csv")));
    assertEquals(0, CsvFiles.cellsInFirstRow(Files.writeString(dir.resolve("open.csv"), "1,\"a\n")));
    assertEquals(0, CsvFiles.cellsInFirstRow(Fifos.make(dir.resolve("peek.csv"))));
  }

  /** A named pipe as the table is refused, not read (the warm-up's peek at its first row included). */
  @Test
  void aPipeIsRefusedWithoutBlocking() throws Exception {
    Path fifo = Fifos.make(dir.resolve("pipe.csv"));
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", fifo.toString(), "--epochs", "1", "--backend",
        "cpu");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad train: " + fifo + ": not a regular file (a FIFO, socket or device): refused", r.errorLine());
  }

  @Test
  void evalScoresEveryRowOfATableWithTheModelsLabelColumnAndClasses() throws IOException {
    Path other = Files.writeString(dir.resolve("other.csv"), rows(90, 2));
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(5, lines.size(), r.out()); // 3 classes, the matrix, the summary (no top-k of 3 classes)
    assertEquals("beta", CliRun.fields(lines.get(1)).get("name"));
    assertEquals("30", CliRun.fields(lines.get(1)).get("support"));
    Map<String, String> s = r.summary();
    assertEquals("90", s.get("examples"));
    assertTrue(Double.parseDouble(s.get("accuracy")) >= 0.95, r.out());
    assertFalse(s.containsKey("top_5_accuracy"), r.out());
  }

  /** {@code table}'s rows with the columns in another order and a numeric column more. */
  static Path reordered(Path table, String name) throws IOException {
    StringBuilder shuffled = new StringBuilder("depth,weight,id,species,length\n");
    List<String> lines = Files.readAllLines(table);
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",");
      shuffled.append(String.join(",", c[3], c[2], Integer.toString(i), c[1], c[0])).append('\n');
    }
    return Files.writeString(dir.resolve(name), shuffled);
  }

  /** The model's columns are found by name: a table with them in another order scores as the training order does. */
  @Test
  void evalAndPredictFindTheColumnsByTheirNames() throws IOException {
    Path other = Files.writeString(dir.resolve("ordered.csv"), rows(90, 3));
    Path reordered = reordered(other, "reordered.csv");
    Map<String, String> inOrder = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(),
        "--backend", "cpu").summary();
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", reordered.toString(), "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals(inOrder.get("accuracy"), r.summary().get("accuracy"));
    assertEquals(inOrder.get("loss"), r.summary().get("loss"));
    CliRun predicted = CliRun.run("predict", "--model", model.toString(), reordered.toString(), "--backend", "cpu");
    assertEquals(0, predicted.code(), predicted.err());
    assertEquals(90, predicted.lines().size());
    Path lacking = Files.writeString(dir.resolve("lacking.csv"), "length,species,depth\n1,alpha,2\n");
    CliRun refused = CliRun.run("eval", "--model", model.toString(), "--data", lacking.toString());
    assertEquals("jgrad eval: " + lacking + ": no column 'weight' (the columns read are length, weight, depth)",
        refused.errorLine());
  }

  /**
   * The same table delimited by tabs (a .tsv file) trains to the same model as with commas, and a table of semicolons
   * (a spreadsheet's) scores as its comma-delimited copy does.
   */
  @Test
  void tabAndSemicolonDelimitedTablesTrainAndScoreAsCommaDelimitedOnes() throws IOException {
    Path tsv = Files.writeString(dir.resolve("table.tsv"), rows(300, 1).replace(',', '\t'));
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", tsv.toString(), "--label-column", "species",
        "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01", "--threads", "1", "--backend", "cpu",
        "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertEquals(trained.get("test_accuracy"), r.summary().get("test_accuracy"));
    assertEquals(trained.get("train_loss"), r.summary().get("train_loss"));
    Path other = Files.writeString(dir.resolve("commas.csv"), rows(90, 4));
    Path semicolons = Files.writeString(dir.resolve("semicolons.csv"), rows(90, 4).replace(',', ';'));
    Map<String, String> commas = CliRun.run("eval", "--model", model.toString(), "--data", other.toString(),
        "--backend", "cpu").summary();
    CliRun scored = CliRun.run("eval", "--model", model.toString(), "--data", semicolons.toString(), "--backend",
        "cpu");
    assertEquals(0, scored.code(), scored.err());
    assertEquals(commas.get("loss"), scored.summary().get("loss"));
    CliRun predicted = CliRun.run("predict", "--model", model.toString(), semicolons.toString(), "--backend", "cpu");
    assertEquals(0, predicted.code(), predicted.err());
    assertEquals(90, predicted.lines().size());
  }

  /** {@code rows} with an identifier first and free text last: columns a table of one's own often has. */
  private static String withIdentifierAndNote(String rows) {
    String[] lines = rows.split("\n");
    StringBuilder out = new StringBuilder("id," + lines[0] + ",note\n");
    for (int i = 1; i < lines.length; i++) {
      out.append("row-").append(i).append(',').append(lines[i]).append(",\"said ").append(i).append("\"\n");
    }
    return out.toString();
  }

  /**
   * --ignore-columns leaves an identifier and free text out (by name or index), training the model the table without
   * them trains; eval of another table reads the model's columns alone, whatever else it holds; --resume keeps them out.
   */
  @Test
  void ignoredColumnsAreLeftOutOfTrainingAndOtherColumnsOutOfEval() throws IOException {
    Path wide = Files.writeString(dir.resolve("wide.csv"), withIdentifierAndNote(rows(300, 1)));
    Path saved = dir.resolve("wide.safetensors");
    List<String> common = List.of("--dataset", "csv", "--data", wide.toString(), "--label-column", "species",
        "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01", "--threads", "1", "--backend", "cpu",
        "--no-progress");
    List<String> args = new ArrayList<>(List.of("train"));
    args.addAll(common);
    args.addAll(List.of("--ignore-columns", "id, 5", "--save", saved.toString()));
    CliRun r = CliRun.run(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertEquals(trained.get("train_loss"), r.summary().get("train_loss"));
    assertEquals(trained.get("test_accuracy"), r.summary().get("test_accuracy"));
    Path other = Files.writeString(dir.resolve("wide-other.csv"), withIdentifierAndNote(rows(90, 2)));
    Path plain = Files.writeString(dir.resolve("plain-other.csv"), rows(90, 2));
    for (Path m : List.of(saved, model)) { // either model scores the wide table as the table without the columns
      CliRun scored = CliRun.run("eval", "--model", m.toString(), "--data", other.toString(), "--backend", "cpu");
      assertEquals(0, scored.code(), scored.err());
      assertEquals(CliRun.run("eval", "--model", m.toString(), "--data", plain.toString(), "--backend", "cpu")
          .summary().get("loss"), scored.summary().get("loss"), m.toString());
    }
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", wide.toString(), "--epochs", "21",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    args = new ArrayList<>(List.of("train"));
    args.addAll(common);
    args.addAll(List.of("--ignore-columns", "species"));
    assertEquals("jgrad train: " + wide + ": column 2 ('species') is both the label and left out",
        CliRun.run(args.toArray(new String[0])).errorLine());
    assertEquals("jgrad train: --ignore-columns is for --dataset csv (the digits files say their labels and test "
        + "part)", CliRun.run("train", "--ignore-columns", "id", "--epochs", "1").errorLine());
    assertEquals("jgrad train: --ignore-columns 'id,' names an empty column (columns are separated by single commas)",
        CliRun.run("train", "--dataset", "csv", "--data", wide.toString(), "--ignore-columns", "id,", "--epochs", "1")
            .errorLine());
  }

  /**
   * --format csv: a header, then a row an example with the JSON line's label, class and probability, and every class's
   * probability in a column of its own, summing to 1.
   */
  @Test
  void predictWritesACsvTableWithEveryClasssProbability() throws IOException {
    Path rows = Files.writeString(dir.resolve("to-predict.csv"), rows(12, 7));
    CliRun json = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--backend", "cpu");
    CliRun csv = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--format", "csv", "--backend",
        "cpu");
    assertEquals(0, csv.code(), csv.err());
    assertEquals(13, csv.lines().size(), csv.out());
    assertEquals("input,label,class,probability,probability_alpha,probability_beta,probability_gamma",
        csv.lines().get(0));
    io.jgrad.data.CsvLine cells = new io.jgrad.data.CsvLine();
    for (int i = 0; i < 12; i++) {
      Map<String, String> expected = CliRun.fields(json.lines().get(i));
      assertTrue(cells.split(csv.lines().get(i + 1)));
      assertEquals(List.of(expected.get("input"), expected.get("label"), expected.get("class"),
          expected.get("probability")), cells.texts().subList(0, 4), "row " + i);
      double sum = 0;
      for (int c = 4; c < 7; c++) {
        sum += cells.value(c);
      }
      assertEquals(1, sum, 1e-5, "row " + i);
      assertEquals(Double.parseDouble(expected.get("probability")),
          cells.value(4 + Integer.parseInt(expected.get("label"))), 1e-7, "row " + i);
    }
    assertEquals("jgrad predict: --top-k is for JSON lines; --format csv gives every class's probability",
        CliRun.run("predict", "--model", model.toString(), rows.toString(), "--format", "csv", "--top-k", "2")
            .errorLine());
  }

  /**
   * predict --explain: each row's integrated gradients by column, in the model's column order, adding up to the
   * predicted class's probability less the average row's, the rest printed as delta; as CSV, the same
   * numbers in columns of their own.
   */
  @Test
  void predictExplainsEachRowByItsColumns() throws IOException {
    Path rows = Files.writeString(dir.resolve("to-explain.csv"), rows(12, 8));
    CliRun json = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--explain", "--backend",
        "cpu");
    assertEquals(0, json.code(), json.err());
    Map<String, String> baselines = new java.util.HashMap<>();
    for (String line : json.lines()) {
      Map<String, String> attributions = CliRun.object(line, "attributions");
      assertEquals(List.of("length", "weight", "depth"), List.copyOf(attributions.keySet()), line);
      Map<String, String> f = CliRun.fields(line);
      double sum = attributions.values().stream().mapToDouble(Double::parseDouble).sum();
      double change = Double.parseDouble(f.get("probability")) - Double.parseDouble(f.get("baseline"));
      assertEquals(sum - change, Double.parseDouble(f.get("delta")), 1e-9, line);
      assertTrue(Math.abs(sum - change) < 0.02, line);
      // The baseline is the average row's probability of the class explained: the same for every row of that class.
      assertEquals(baselines.computeIfAbsent(f.get("class"), c -> f.get("baseline")), f.get("baseline"), line);
    }
    CliRun csv = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--explain", "--format", "csv",
        "--backend", "cpu");
    assertEquals(0, csv.code(), csv.err());
    assertTrue(csv.lines().get(0).endsWith(",probability_gamma,attribution_length,attribution_weight,"
        + "attribution_depth,baseline,delta"), csv.lines().get(0));
    io.jgrad.data.CsvLine cells = new io.jgrad.data.CsvLine();
    for (int i = 0; i < 12; i++) {
      assertTrue(cells.split(csv.lines().get(i + 1)));
      Map<String, String> attributions = CliRun.object(json.lines().get(i), "attributions");
      assertEquals(attributions.get("weight"), cells.texts().get(8), "row " + i);
      assertEquals(CliRun.fields(json.lines().get(i)).get("delta"), cells.texts().get(11), "row " + i);
    }
    assertEquals("jgrad predict: --threshold decides between two classes (or each of a multi-label model's labels); "
        + model + " has 3 classes, each predicted where it is the likeliest", CliRun.run("predict", "--model",
        model.toString(), rows.toString(), "--threshold", "0.3").errorLine());
    assertEquals("jgrad predict: --explain-steps is for --explain", CliRun.run("predict", "--model",
        model.toString(), rows.toString(), "--explain-steps", "10").errorLine());
    assertEquals("jgrad predict: --explain-steps must be >= 1, got 0", CliRun.run("predict", "--model",
        model.toString(), rows.toString(), "--explain", "--explain-steps", "0").errorLine());
  }

  /**
   * --cv 3: a model a fold, each trained on 200 rows and tested on the other 100 (every row tested once), then the
   * folds' mean, standard deviation and values of each test figure.
   */
  @Test
  void crossValidationTrainsAModelAFoldAndAveragesTheirTestFigures() throws IOException {
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--label-column", "species",
        "--cv", "3", "--hidden", "16", "--batch", "16", "--epochs", "10", "--lr", "0.01", "--threads", "1",
        "--backend", "cpu", "--no-progress");
    assertEquals(0, r.code(), r.err());
    List<Double> accuracies = new ArrayList<>();
    for (String line : r.lines()) {
      Map<String, String> f = line.startsWith("{") ? CliRun.fields(line) : Map.of(); // epoch lines are text
      if ("fold".equals(f.get("event"))) {
        assertEquals(Integer.toString(accuracies.size() + 1), f.get("fold"));
        assertEquals("200", f.get("train_examples"));
        assertEquals("100", f.get("test_examples"));
        accuracies.add(Double.parseDouble(f.get("test_accuracy")));
      }
    }
    assertEquals(3, accuracies.size(), r.out());
    Map<String, String> s = r.summary();
    assertEquals("summary", s.get("event"));
    assertEquals("3", s.get("folds"));
    double mean = accuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertEquals(mean, Double.parseDouble(s.get("test_accuracy")), 1e-12);
    assertTrue(mean >= 0.9, r.out());
    double variance = accuracies.stream().mapToDouble(a -> (a - mean) * (a - mean)).average().orElseThrow();
    assertEquals(Math.sqrt(variance), Double.parseDouble(s.get("test_accuracy_std")), 1e-12);
    String last = r.lines().get(r.lines().size() - 1);
    assertTrue(last.contains("\"test_accuracy_folds\":[" + accuracies.get(0) + "," + accuracies.get(1) + ","
        + accuracies.get(2) + "]"), last);
    String[][] misuses = {{"--cv", "1"}, {"--cv", "3", "--save", dir.resolve("cv.safetensors").toString()},
        {"--cv", "3", "--test-split", "0.3"}};
    String[] expected = {"--cv must be >= 2, got 1", "--save is for one run; --cv 3 trains 3 models, each tested on "
        + "its own fold", "--test-split is for one run; --cv 3 trains 3 models, each tested on its own fold"};
    for (int i = 0; i < misuses.length; i++) {
      List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv", "--data", table.toString(),
          "--epochs", "1", "--backend", "cpu"));
      args.addAll(List.of(misuses[i]));
      assertEquals("jgrad train: " + expected[i], CliRun.run(args.toArray(new String[0])).errorLine());
    }
    assertEquals("jgrad train: --cv is for --dataset csv (the digits files say their labels and test part)",
        CliRun.run("train", "--cv", "3", "--epochs", "1").errorLine());
  }

  /**
   * The folds of a table of classes are stratified (scikit-learn's StratifiedKFold): of 60 rows of one class and 30 of
   * another, each of three folds tests on 20 and 10, and together they test on every row once; a regression table's
   * are three slices of 30.
   */
  @Test
  void foldsOfClassesHoldEachClassInItsShare() throws IOException {
    StringBuilder rows = new StringBuilder("x,label\n");
    for (int i = 0; i < 90; i++) {
      rows.append(i).append(',').append(i % 3 == 0 ? "rare" : "common").append('\n');
    }
    Path f = Files.writeString(dir.resolve("imbalanced.csv"), rows);
    List<Float> tested = new ArrayList<>();
    CsvFiles classes = new CsvFiles(f, null, 0, "label", TrainCommand.Task.CLASSIFICATION, null, List.of());
    for (CsvFiles.Parts fold : classes.folds(3, 7)) {
      io.jgrad.data.LabeledData test = fold.split().test();
      int rare = fold.classNames().indexOf("rare");
      assertEquals(10, java.util.Arrays.stream(test.labels()).filter(l -> l == rare).count());
      assertEquals(20, test.size() - 10);
      assertEquals(60, fold.split().train().size());
      for (float x : test.features()) {
        tested.add(x);
      }
    }
    tested.sort(null);
    for (int i = 0; i < 90; i++) {
      assertEquals(i, tested.get(i), 0);
    }
    CsvFiles values = new CsvFiles(f, null, 0, "x", TrainCommand.Task.REGRESSION, null, List.of());
    for (CsvFiles.Parts fold : values.folds(3, 7)) {
      assertEquals(30, fold.split().test().size());
    }
  }

  @Test
  void predictReadsRowsWithOrWithoutTheLabelColumn() throws IOException {
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), "length,species,weight,depth\n2,gamma,2000,-2\n"
        + "0,alpha,0,0\n");
    Path bare = Files.writeString(dir.resolve("bare.csv"), "2,2000,-2\n0,0,0\n");
    List<String> classes = new ArrayList<>();
    for (Path input : List.of(labelled, bare)) {
      CliRun r = CliRun.run("predict", "--model", model.toString(), input.toString(), "--backend", "cpu");
      assertEquals(0, r.code(), r.err());
      for (String line : r.lines()) {
        classes.add(CliRun.fields(line).get("class"));
      }
    }
    assertEquals(List.of("gamma", "alpha", "gamma", "alpha"), classes);
  }

  @Test
  void aResumedRunReadsTheTableWithTheLabelColumnItRecorded() throws IOException {
    Path saved = dir.resolve("resumed.safetensors");
    CliRun first = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--label-column", "1",
        "--hidden", "8", "--epochs", "1", "--threads", "1", "--backend", "cpu", "--no-progress", "--save",
        saved.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("2", resumed.summary().get("epochs"));
    CliRun contradicting = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(),
        "--label-column", "species", "--epochs", "2", "--backend", "cpu");
    assertEquals(1, contradicting.code(), contradicting.out());
    assertEquals("jgrad train: --label-column species contradicts " + saved + ", a run with --label-column 1; leave "
        + "--label-column out to continue that run", contradicting.errorLine());
  }

  /** A --test-data table is read by the training table's column names, in any order. */
  @Test
  void aTestTableWithItsColumnsInAnotherOrderIsReadByName() throws IOException {
    Path tests = reordered(Files.writeString(dir.resolve("tests.csv"), rows(60, 4)), "tests-reordered.csv");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--test-data", tests.toString(),
        "--label-column", "species", "--hidden", "16", "--batch", "16", "--epochs", "20", "--lr", "0.01",
        "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(Double.parseDouble(r.summary().get("test_accuracy")) >= 0.95, r.out());
  }

  @Test
  void misusedTableOptionsAreOneLineErrors() throws IOException {
    String wrongColumns = Files.writeString(dir.resolve("wrong.csv"), "length,species,mass,depth\n1,alpha,2,3\n")
        .toString();
    String[][] cases = {
        {"--dataset", "csv"},
        {"--label-column", "species"},
        {"--dataset", "csv", "--data", table.toString(), "--model", "cnn"},
        {"--dataset", "csv", "--data", table.toString(), "--test-data", table.toString(), "--test-split", "0.3"},
        {"--dataset", "csv", "--data", table.toString(), "--test-split", "1"},
        {"--dataset", "csv", "--data", table.toString(), "--label-column", "species", "--test-data", wrongColumns},
        {"--dataset", "csv", "--data", table.toString()},
    };
    String[] expected = {
        "--dataset csv needs --data FILE.csv (the table to train on)",
        "--label-column is for --dataset csv (the digits files say their labels and test part)",
        "--model cnn needs images; --dataset csv is a table: train an MLP on it (--model mlp, the default)",
        "--test-data " + table + " is the test part: --test-split 0.3 would hold out another",
        "--test-split must be in (0, 1), got 1.0",
        wrongColumns + ": no column 'weight' (the columns read are length, weight, depth)",
        table + ": label column 'depth' (the last; none was named) holds non-integer numbers ('-0.2728'): a "
            + "continuous target, not classes (read it as a regression target)",
    };
    CliRun eval = CliRun.run("eval", "--model", model.toString(), "--dataset", "digits", "--label-column", "0");
    assertEquals("jgrad eval: --label-column is for a model of a CSV table; the digits files say their labels",
        eval.errorLine());
    CliRun noTable = CliRun.run("eval", "--model", model.toString());
    assertEquals("jgrad eval: " + model + " was trained on a CSV table: pass the one to evaluate on as --data FILE.csv",
        noTable.errorLine());
    for (int i = 0; i < cases.length; i++) {
      List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--backend", "cpu"));
      args.addAll(List.of(cases[i]));
      CliRun r = CliRun.run(args.toArray(new String[0]));
      assertEquals(1, r.code(), String.join(" ", cases[i]) + ": " + r.out());
      assertEquals("jgrad train: " + expected[i], r.errorLine(), String.join(" ", cases[i]));
    }
  }
}
