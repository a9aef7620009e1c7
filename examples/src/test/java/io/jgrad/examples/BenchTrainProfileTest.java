package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code jgrad bench train --profile}: a warm-up line, then one line per kernel, GEMMs by the shapes a 784-8-10 MLP's
 * step runs; with {@code --model cnn}, the CNN's kernels.
 */
class BenchTrainProfileTest {

  @Test
  void profileCountsEachKernelOfAStepUnderItsShape() throws IOException {
    CliRun r = CliRun.run("bench", "train", "--backend", "cpu", "--threads", "1", "--hidden", "8", "--batch", "4",
        "--windows", "2", "--steps", "3", "--max-warmup", "2", "--profile");
    assertEquals(0, r.code(), r.err());
    List<Map<String, String>> profile = new ArrayList<>();
    int summaries = 0;
    Map<String, String> warmup = null;
    for (String line : r.lines()) {
      Map<String, String> f = CliRun.fields(line);
      summaries += "summary".equals(f.get("event")) ? 1 : 0;
      warmup = "warmup".equals(f.get("event")) ? f : warmup;
      if ("profile".equals(f.get("event"))) {
        profile.add(f);
      }
    }
    assertEquals(1, summaries, r.out());
    // The warm-up runs at least three windows, then until the JIT is quiet or --max-warmup has passed.
    assertTrue(warmup != null && Integer.parseInt(warmup.get("steps")) >= 9, r.out());
    assertTrue(Boolean.parseBoolean(warmup.get("jit_settled")) || Double.parseDouble(warmup.get("seconds")) >= 2,
        warmup.toString());
    Map<String, String> callsPerStep = new TreeMap<>();
    double share = 0;
    for (Map<String, String> f : profile) {
      callsPerStep.put(f.get("kernel"), f.get("calls_per_step"));
      share += Double.parseDouble(f.get("share"));
      assertTrue(Double.parseDouble(f.get("ms_per_step")) >= 0, f.toString());
    }
    // Linear keeps its weight as [out, in]: forward X·Wᵀ (NT), dW = dYᵀ·X (TN), dX = dY·W (NN); the first layer's
    // input needs no gradient, so there is no NN product of width 784.
    Map<String, String> gemms = new TreeMap<>();
    callsPerStep.forEach((k, v) -> {
      if (k.startsWith("gemm")) {
        gemms.put(k, v);
      }
    });
    assertEquals(Map.of("gemm NT 4x8x784", "1.0", "gemm NT 4x10x8", "1.0", "gemm TN 10x8x4", "1.0",
        "gemm NN 4x8x10", "1.0", "gemm TN 8x784x4", "1.0"), gemms);
    assertEquals("4.0", callsPerStep.get("sgdStep"), callsPerStep.toString()); // two weights, two biases
    assertEquals("1.0", callsPerStep.get("softmaxCrossEntropy"), callsPerStep.toString());
    // Linear + ReLU run as one fused kernel each way (the README says so): no separate ReLU.
    assertEquals("1.0", callsPerStep.get("biasActivation relu"), callsPerStep.toString());
    assertEquals("1.0", callsPerStep.get("biasActivationBackward relu"), callsPerStep.toString());
    assertFalse(callsPerStep.containsKey("unary relu"), callsPerStep.toString());
    // zeroGrad is lazy and the first gradient is taken, not copied: no fill, copy or add per parameter (4 here).
    assertFalse(callsPerStep.containsKey("copy"), callsPerStep.toString());
    assertTrue(Double.parseDouble(callsPerStep.getOrDefault("fill", "0")) < 4, callsPerStep.toString());
    assertTrue(Double.parseDouble(callsPerStep.getOrDefault("binary add", "0")) < 4, callsPerStep.toString());
    assertFalse(callsPerStep.containsKey("name") || callsPerStep.containsKey("synchronize"), callsPerStep.toString());
    assertEquals(1.0, share, 0.01);
  }

  /**
   * Under bf16 the weights' 16-bit copies come from the optimizer's step kernel, not from casts: the 7 casts of a step
   * are the input to bf16 and the logits back to float32 (forward), the loss gradient to bf16 and the 4 parameter
   * gradients to float32 (backward). A cast per weight after each step would make 11.
   */
  @Test
  void bf16StepsCastNoWeight() throws IOException {
    CliRun r = CliRun.run("bench", "train", "--backend", "cpu", "--threads", "1", "--hidden", "8", "--batch", "4",
        "--windows", "2", "--steps", "3", "--max-warmup", "2", "--profile", "--precision", "bf16");
    Map<String, String> callsPerStep = callsPerStep(r);
    assertEquals("4.0", callsPerStep.get("sgdStep"), callsPerStep.toString());
    assertEquals("7.0", callsPerStep.get("cast"), callsPerStep.toString());
  }

  @Test
  void cnnModelProfilesTheConvolutionKernels() throws IOException {
    CliRun r = CliRun.run("bench", "train", "--model", "cnn", "--backend", "cpu", "--threads", "1", "--batch", "2",
        "--windows", "1", "--steps", "1", "--max-warmup", "0", "--profile");
    Map<String, String> callsPerStep = callsPerStep(r);
    assertTrue(r.out().contains("\"event\":\"summary\"") && r.out().contains("\"model\":\"cnn\""), r.out());
    // Two blocks: each a convolution and a batch norm with its max-pool (one op); the first block's input needs no
    // gradient.
    assertEquals("2.0", callsPerStep.get("conv2d"), callsPerStep.toString());
    assertEquals("2.0", callsPerStep.get("conv2dBackwardWeight"), callsPerStep.toString());
    assertEquals("1.0", callsPerStep.get("conv2dBackwardInput"), callsPerStep.toString());
    assertEquals("2.0", callsPerStep.get("batchNormStatistics"), callsPerStep.toString());
    assertEquals("2.0", callsPerStep.get("batchNormMaxPool2d"), callsPerStep.toString());
    assertEquals("2.0", callsPerStep.get("batchNormMaxPool2dBackward batch"), callsPerStep.toString());
    assertNull(callsPerStep.get("maxPool2d"), callsPerStep.toString());
  }

  /** --image 3,32,32 times CIFAR-10's network: a third block, so three convolutions and two input gradients. */
  @Test
  void cnnImageOptionBuildsThatImagesNetwork() throws IOException {
    CliRun r = CliRun.run("bench", "train", "--model", "cnn", "--image", "3,32,32", "--backend", "cpu", "--threads",
        "1", "--batch", "2", "--windows", "1", "--steps", "1", "--max-warmup", "0", "--profile");
    Map<String, String> callsPerStep = callsPerStep(r);
    assertTrue(r.out().contains("\"image\":\"[3,32,32]\""), r.out());
    assertEquals("3.0", callsPerStep.get("conv2d"), callsPerStep.toString());
    assertEquals("2.0", callsPerStep.get("conv2dBackwardInput"), callsPerStep.toString());

    CliRun two = CliRun.run("bench", "train", "--model", "cnn", "--image", "3,32");
    assertEquals(1, two.code(), two.out());
    assertEquals("jgrad bench train: --image takes C,H,W (three sizes), got 2", two.errorLine());
  }

  @Test
  void anUnknownModelIsAOneLineErrorNamingIt() {
    CliRun r = CliRun.run("bench", "train", "--model", "rnn");
    assertEquals(1, r.code(), r.out());
    assertEquals("jgrad bench train: unknown --model 'rnn'; expected mlp, cnn or resnet", r.errorLine());
  }

  /** Kernel → calls per step, from the profile lines of a run that must have succeeded. */
  private static Map<String, String> callsPerStep(CliRun r) throws IOException {
    assertEquals(0, r.code(), r.err());
    Map<String, String> calls = new TreeMap<>();
    for (String line : r.lines()) {
      Map<String, String> f = CliRun.fields(line);
      if ("profile".equals(f.get("event"))) {
        calls.put(f.get("kernel"), f.get("calls_per_step"));
      }
    }
    return calls;
  }
}
