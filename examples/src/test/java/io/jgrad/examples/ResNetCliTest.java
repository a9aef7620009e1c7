package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --model resnet} end to end, on synthetic CIFAR-10 files in the binary format. */
class ResNetCliTest {
  @TempDir Path dir;

  private String[] resnet(String... more) throws IOException {
    String[] cifar = JgradCliTest.cnnOnSyntheticCifar(dir, more);
    cifar[Arrays.asList(cifar).indexOf("cnn")] = "resnet";
    return cifar;
  }

  private static String[] withDepth(String[] run, String depth) {
    String[] other = run.clone();
    other[Arrays.asList(other).indexOf("--depth") + 1] = depth;
    return other;
  }

  /**
   * ResNet-8 trains, saves (its depth and learning rate recorded), resumes to the run of two epochs in one go, and its file alone
   * rebuilds it for summary, eval and export; a resume with another depth is refused naming --depth.
   */
  @Test
  void aResNetTrainsResumesAndItsFileRebuildsIt() throws IOException {
    String[] run = resnet("--depth", "8", "--schedule", "constant");
    Path ckpt = dir.resolve("resnet.safetensors");
    CliRun first = CliRun.run(run, "--epochs", "1", "--save", ckpt.toString());
    assertEquals(0, first.code(), first.err());
    CliRun resumed = CliRun.run(run, "--epochs", "2", "--resume", ckpt.toString(), "--save", ckpt.toString());
    assertEquals(0, resumed.code(), resumed.err());
    Map<String, String> whole = CliRun.summaryOf(run, "--epochs", "2");
    for (String figure : List.of("train_loss", "test_loss", "test_accuracy")) {
      assertEquals(whole.get(figure), resumed.summary().get(figure), figure);
    }
    CliRun summary = CliRun.run("summary", "--model", ckpt.toString());
    assertEquals(0, summary.code(), summary.err());
    Map<String, String> described = CliRun.fields(summary.lines().get(summary.lines().size() - 1));
    assertEquals("resnet", described.get("architecture"));
    assertEquals("78042", described.get("parameters")); // ResNet-8 for 3 channels and 10 classes
    assertEquals(3, summary.lines().stream().filter(l -> l.contains("BasicBlock(")).count(), summary.out());
    CliRun eval = CliRun.run("eval", "--model", ckpt.toString(), "--data", dir.resolve("cifar").toString(),
        "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    Path onnx = dir.resolve("resnet.onnx");
    CliRun export = CliRun.run("export", "--model", ckpt.toString(), "--output", onnx.toString());
    assertEquals(0, export.code(), export.err());
    assertTrue(Files.size(onnx) > 4 * 78042, "the weights in the ONNX file");
    // Without --lr the ResNet trains at the convolutional networks' default under AdamW, which the file records.
    CliRun otherLr = CliRun.run(run, "--epochs", "3", "--resume", ckpt.toString(), "--lr", "0.001");
    assertEquals("jgrad train: --lr 0.001 contradicts " + ckpt + ", a run with --lr 0.005; leave --lr out to continue "
        + "that run", otherLr.err().strip());
    CliRun deeper = CliRun.run(withDepth(run, "14"), "--epochs", "3", "--resume", ckpt.toString());
    assertEquals("jgrad train: --depth 14 contradicts " + ckpt + ", a run with --depth 8; leave --depth out to "
        + "continue that run", deeper.err().strip());
  }

  /** Fine-tuned with --freeze 2: the stem and the first residual block are the file's to the bit, the rest trains. */
  @Test
  void theStemAndFirstBlockFreeze() throws IOException {
    String[] run = resnet("--depth", "8", "--epochs", "1");
    Path base = dir.resolve("base.safetensors");
    assertEquals(0, CliRun.run(run, "--save", base.toString()).code());
    Path tuned = dir.resolve("tuned.safetensors");
    CliRun r = CliRun.run(run, "--init-from", base.toString(), "--freeze", "2", "--save", tuned.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> before = Safetensors.read(base).tensors();
    Map<String, TensorData> after = Safetensors.read(tuned).tensors();
    List<String> model = before.keySet().stream().filter(k -> k.startsWith("model.")).toList();
    for (String name : model) {
      boolean frozen = name.startsWith("model.1.") || name.startsWith("model.2.") || name.startsWith("model.4.");
      assertEquals(frozen, Arrays.equals(before.get(name).toFloats(), after.get(name).toFloats()), name);
    }
    CliRun otherDepth = CliRun.run(withDepth(run, "14"), "--init-from", base.toString());
    assertEquals("jgrad train: " + base + " holds a ResNet of depth 8: leave --model and --depth out to fine-tune it",
        otherDepth.err().strip());
    Path mlp = dir.resolve("mlp.safetensors");
    assertEquals(0, CliRun.run(new String[] {"train", "--epochs", "1", "--save", mlp.toString()},
        CliRun.SMALL_CONSTANT_RATE).code());
    CliRun onAnMlp = CliRun.run("train", "--init-from", mlp.toString(), "--depth", "8", "--no-progress");
    assertEquals("jgrad train: --depth is for --model resnet; " + mlp + " holds an MLP of hidden widths 64 and relu",
        onAnMlp.err().strip());
  }

  @Test
  void misuseIsOneLine() throws IOException {
    assertEquals("jgrad train: --depth must be 6n + 2 for n blocks a stage (8, 14, 20, 32, 44, 56, 110), got 9",
        CliRun.run(resnet("--depth", "9")).err().strip());
    assertEquals("jgrad train: --depth is for --model resnet",
        CliRun.run("train", "--depth", "20", "--no-progress").err().strip());
    Path table = Files.writeString(dir.resolve("t.csv"), "a,b,label\n1,2,x\n3,4,y\n");
    assertEquals("jgrad train: --model resnet needs images; --dataset csv is a table: train an MLP on it (--model "
        + "mlp, the default)", CliRun.run("train", "--model", "resnet", "--dataset", "csv", "--data",
        table.toString(), "--no-progress").err().strip());
  }
}
