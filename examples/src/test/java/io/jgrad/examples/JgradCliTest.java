package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, as a user or a script sees it: exit code, stdout's JSON, one-line errors. */
class JgradCliTest {
  @TempDir Path dir;

  @Test
  void trainOnTheBundledDigitsEndsWithAJsonSummary() throws IOException {
    Path metrics = dir.resolve("m.jsonl");
    CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "64", "--lr", "0.003", "--no-progress", "--backend",
        "cpu",
        "--metrics", metrics.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, String> s = r.summary();
    assertEquals("summary", s.get("event"));
    assertEquals("digits", s.get("dataset"));
    assertEquals("cpu", s.get("backend"));
    assertEquals("1", s.get("epochs"));
    assertTrue(Double.parseDouble(s.get("test_accuracy")) > 0.85, s.toString());
    for (String key : List.of("train_loss", "samples_per_sec", "peak_activation_bytes", "wall_seconds")) {
      assertTrue(Double.parseDouble(s.get(key)) > 0, key + " in " + s);
    }
    List<String> epochs = Files.readAllLines(metrics);
    assertEquals(1, epochs.size());
    assertTrue(epochs.get(0).startsWith("{\"event\":\"epoch\",\"dataset\":\"digits\",\"backend\":\"cpu\",\"epoch\":1,"),
        epochs.get(0));
  }

  @Test
  void saveThenResumeContinuesTheRunAndPlots() throws IOException {
    Path ckpt = dir.resolve("run.safetensors");
    Path png = dir.resolve("curves.png");
    String[] common = {"train", "--hidden", "32", "--no-progress", "--backend", "cpu", "--save", ckpt.toString()};
    CliRun first = CliRun.run(common, "--epochs", "1");
    assertEquals(0, first.code(), first.err());
    CliRun second = CliRun.run(common, "--epochs", "2", "--resume", dir.toString(), "--plot", png.toString());
    assertEquals(0, second.code(), second.err());
    assertTrue(second.err().contains("after epoch 1"), second.err());
    assertEquals("2", second.summary().get("epochs"));
    assertTrue(second.lines().stream().anyMatch(l -> l.startsWith("epoch 2/2")), second.out());
    assertFalse(second.lines().stream().anyMatch(l -> l.startsWith("epoch 1/2")), "epoch 1 is not trained again");
    byte[] header = Files.readAllBytes(png);
    assertEquals((byte) 0x89, header[0]);
    assertEquals('P', header[1]);
  }

  @Test
  void cifar10TrainsFromFilesInTheBinaryFormat() throws IOException {
    writeSyntheticCifar(dir, 40);
    CliRun r = CliRun.run("train", "--dataset", "cifar10", "--data", dir.toString(), "--epochs", "1", "--hidden", "16",
        "--no-progress", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals("cifar10", r.summary().get("dataset"));
  }

  @Test
  void aCorruptIdxFileIsAOneLineErrorNamingIt() throws IOException {
    // Other bad options and values: CliMisuseTest.
    Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    CliRun corrupt = CliRun.run("train", "--dataset", "mnist", "--data", dir.toString());
    assertEquals(1, corrupt.code());
    assertEquals(1, corrupt.err().strip().lines().count(), corrupt.err());
    assertTrue(corrupt.err().contains("train-images-idx3-ubyte"), corrupt.err());
  }

  @Test
  void xorIsSolved() throws IOException {
    CliRun r = CliRun.run("xor");
    assertEquals(0, r.code(), r.err());
    assertEquals("true", r.summary().get("solved"));
  }

  /**
   * A CNN's training run on CIFAR-10's six files of 12 synthetic records each, written into a new folder "cifar" of
   * {@code dir}: {@code train --model cnn --dataset cifar10 --data … --batch 20 --no-progress --backend cpu}, then
   * {@code more}.
   */
  static String[] cnnOnSyntheticCifar(Path dir, String... more) throws IOException {
    Path data = Files.createDirectory(dir.resolve("cifar"));
    writeSyntheticCifar(data, 12);
    List<String> args = new ArrayList<>(List.of("train", "--model", "cnn", "--dataset", "cifar10", "--data",
        data.toString(), "--batch", "20", "--no-progress", "--backend", "cpu"));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  /** CIFAR-10's six binary files in {@code folder}, {@code records} synthetic records each (see below). */
  static void writeSyntheticCifar(Path folder, int records) throws IOException {
    for (String name : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin", "test_batch.bin")) {
      Files.write(folder.resolve(name), syntheticCifar(records, name.hashCode()));
    }
  }

  /** Records of 1 label byte + 3,072 pixel bytes; the label shifts the red plane so the data is learnable. */
  static byte[] syntheticCifar(int records, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    byte[] b = new byte[records * 3073];
    for (int r = 0; r < records; r++) {
      int label = r % 10;
      b[r * 3073] = (byte) label;
      for (int i = 1; i < 3073; i++) {
        b[r * 3073 + i] = (byte) (rng.nextInt(64) + (i <= 1024 ? label * 19 : 0));
      }
    }
    return b;
  }
}
