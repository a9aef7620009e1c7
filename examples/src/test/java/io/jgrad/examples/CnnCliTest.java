package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --model cnn} and {@code bench conv} end to end, on synthetic CIFAR-10 files in the binary format. */
class CnnCliTest {
  @TempDir Path dir;

  @Test
  void aCnnTrainsOnCifar10FilesWithAugmentationSavesResumesAndEvaluates() throws IOException {
    Path data = Files.createDirectory(dir.resolve("cifar"));
    JgradCliTest.writeSyntheticCifar(data, 12);
    Path ckpt = dir.resolve("cnn.safetensors");
    String[] common = {"train", "--model", "cnn", "--dataset", "cifar10", "--data", data.toString(), "--batch", "20",
      "--no-progress", "--backend", "cpu", "--save", ckpt.toString()};
    CliRun first = CliRun.run(common, "--epochs", "1");
    assertEquals(0, first.code(), first.err());
    Map<String, String> s = first.summary();
    assertEquals("cifar10", s.get("dataset"));
    assertTrue(Double.parseDouble(s.get("train_loss")) > 0, s.toString());
    CliRun second = CliRun.run(common, "--epochs", "2", "--resume", ckpt.toString());
    assertEquals(0, second.code(), second.err());
    assertEquals("2", second.summary().get("epochs"));
    CliRun eval = CliRun.run("eval", "--model", ckpt.toString(), "--data", data.toString(), "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err()); // the file rebuilds the CNN from its metadata and reads flat rows
    // Without --lr the CNN trains at its own default under AdamW (5e-3), which the checkpoint records.
    CliRun otherLr = CliRun.run(common, "--epochs", "3", "--resume", ckpt.toString(), "--lr", "0.001");
    assertTrue(otherLr.code() != 0, otherLr.out());
    assertTrue(otherLr.err().contains("--lr") && otherLr.err().contains("0.005"), otherLr.err());
    CliRun contradicting = CliRun.run(common, "--epochs", "3", "--resume", ckpt.toString(), "--model", "mlp");
    assertTrue(contradicting.code() != 0, contradicting.out());
    assertTrue(contradicting.err().contains("--model"), contradicting.err());
  }

  @Test
  void anUnknownModelIsAOneLineError() throws IOException {
    CliRun r = CliRun.run("train", "--model", "vgg", "--no-progress");
    assertEquals(1, r.code());
    assertEquals("jgrad train: unknown --model 'vgg'; expected mlp, cnn or resnet", r.err().strip());
  }

  @Test
  void benchConvPrintsEveryPassOfEveryLayer() throws IOException {
    CliRun r = CliRun.run("bench", "conv", "--batch", "2", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals(15, r.lines().size(), r.out());
    for (String line : r.lines()) {
      Map<String, String> f = CliRun.fields(line);
      assertEquals("conv", f.get("bench"));
      assertTrue(Double.parseDouble(f.get("gflops")) > 0, line);
    }
  }

  /** The ResNet's six layer shapes, three passes each, its two stride-2 layers among them. */
  @Test
  void benchConvTimesTheResNetsLayers() throws IOException {
    CliRun r = CliRun.run("bench", "conv", "--model", "resnet", "--batch", "2", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    assertEquals(18, r.lines().size(), r.out());
    long strided = 0;
    for (String line : r.lines()) {
      strided += CliRun.fields(line).get("stride").equals("2") ? 1 : 0;
    }
    assertEquals(6, strided, r.out());
  }
}
