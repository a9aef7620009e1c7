package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --class-weights}: balanced weights from the training labels, weights given, and their misuses. */
class ClassWeightsCliTest {
  @TempDir static Path dir;
  private static Path table;
  private static Path tests;

  /** CsvTableCliTest's table with two of every three gamma rows left out: 100 alpha, 100 beta, 34 gamma. */
  @BeforeAll
  static void tables() throws IOException {
    List<String> kept = new ArrayList<>();
    int gamma = 0;
    for (String line : CsvTableCliTest.rows(300, 1).lines().toList()) {
      if (!line.contains(",gamma,") || gamma++ % 3 == 0) {
        kept.add(line);
      }
    }
    table = Files.write(dir.resolve("imbalanced.csv"), kept);
    tests = Files.writeString(dir.resolve("tests.csv"), CsvTableCliTest.rows(90, 2));
  }

  private static CliRun train(String... more) {
    return CliRun.run(new String[] {"train", "--dataset", "csv", "--data", table.toString(), "--test-data",
        tests.toString(), "--label-column", "species", "--hidden", "16", "--batch", "16", "--epochs", "3",
        "--threads", "1", "--backend", "cpu", "--no-progress"}, more);
  }

  private static List<Double> weights(CliRun r) throws IOException {
    String out = r.lines().get(r.lines().size() - 1);
    String list = out.replaceAll(".*\"class_weights\":\\[([^]]*)].*", "$1");
    return List.of(list.split(",")).stream().map(Double::parseDouble).toList();
  }

  /** scikit-learn's balanced weights: n / (classes × n_c), with n = 234 training rows. */
  @Test
  void balancedWeightsComeFromTheTrainingLabels() throws IOException {
    CliRun r = train("--class-weights", "balanced");
    assertEquals(0, r.code(), r.err());
    List<Double> w = weights(r);
    double[] expected = {234.0 / 300, 234.0 / 300, 234.0 / 102};
    for (int c = 0; c < 3; c++) {
      assertEquals((float) expected[c], w.get(c), 1e-6, w.toString());
    }
  }

  @Test
  void givenWeightsAreRecordedAndAResumeKeepsThem() throws IOException {
    Path saved = dir.resolve("weighted.safetensors");
    CliRun r = train("--class-weights", "1,2,3", "--save", saved.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(1.0, 2.0, 3.0), weights(r));
    CliRun contradicted = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(),
        "--test-data", tests.toString(), "--epochs", "4", "--class-weights", "balanced");
    assertEquals("jgrad train: --class-weights balanced contradicts " + saved + ", a run with --class-weights "
        + "1,2,3; leave --class-weights out to continue that run", contradicted.errorLine());
    CliRun resumed = CliRun.run("train", "--resume", saved.toString(), "--data", table.toString(), "--test-data",
        tests.toString(), "--epochs", "4", "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(List.of(1.0, 2.0, 3.0), weights(resumed));
  }

  @Test
  void misusedClassWeightsAreOneLineErrors() {
    Map<String[], String> cases = Map.of(
        new String[] {"--class-weights", "1,2"},
        "--class-weights 1,2 gives 2 weights for 3 classes (alpha, beta, gamma)",
        new String[] {"--class-weights", "heavy"},
        "--class-weights takes 'balanced' or one number >= 0 a class, comma-separated, got 'heavy'",
        new String[] {"--class-weights", "1,-1,1"},
        "--class-weights takes 'balanced' or one number >= 0 a class, comma-separated, got '1,-1,1'",
        new String[] {"--class-weights", "0,0,0"},
        "--class-weights 0,0,0: all 0, no example would count",
        new String[] {"--class-weights", "balanced", "--task", "regression"},
        "--class-weights is for classes; --task regression fits values");
    cases.forEach((args, expected) -> {
      CliRun r = train(args);
      assertEquals(1, r.code(), String.join(" ", args) + "\n" + r.err());
      assertEquals("jgrad train: " + expected, r.errorLine(), String.join(" ", args));
    });
  }
}
