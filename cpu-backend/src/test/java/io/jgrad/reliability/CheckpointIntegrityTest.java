package io.jgrad.reliability;

import static io.jgrad.internal.TensorAccess.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.testing.Fifos;
import io.jgrad.testing.ReferenceBackendTest;
import io.jgrad.train.TrainingCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training checkpoint loads whole or not at all: an edited header, a missing optimizer state, a non-finite value or
 * a part that does not fit is refused, naming the file, before the model, the optimizer or a generator changes.
 */
class CheckpointIntegrityTest extends ReferenceBackendTest {
  private static final Map<String, String> CONFIG = Map.of("run", "test");

  @TempDir Path dir;

  private static Sequential model(long seed) {
    Generator init = new Generator(seed);
    return new Sequential(new Linear(backend, 5, 7, init), new ReLU(), new Linear(backend, 7, 3, init));
  }

  /** Three Adam steps on model(1), saved after "epoch 2". */
  private Path trainedCheckpoint(String name) throws Exception {
    Sequential model = model(1);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      Tensor x = Tensor.of(backend, new float[] {1, -2, 3, 0.5f, -1, 2, 0, 1, -3, 0.25f}, 2, 5);
      Tensor y = Tensor.of(backend, new int[] {0, 2}, 2);
      for (int i = 0; i < 3; i++) {
        try (Scope ignored = Scope.open()) {
          Tensor loss = model.forward(x).crossEntropy(y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
        }
      }
      Path file = dir.resolve(name);
      TrainingCheckpoint.save(file, model, opt, 2, Map.of("dropout", new Generator(3)), CONFIG);
      return file;
    } finally {
      model.close();
    }
  }

  /** Loads {@code file} into a fresh model and optimizer, expects the refusal, and checks nothing changed. */
  private static void assertRefusedUnchanged(Path file, Optimizer opt, Sequential model, String fragment) {
    float[][] before = weights(model);
    Generator dropout = new Generator(3);
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> TrainingCheckpoint.load(file, model, opt, Map.of("dropout", dropout)));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    float[][] after = weights(model);
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], after[i], "parameter " + i + " changed by a refused load");
    }
    assertEquals(0, opt.steps());
    assertTrue(opt.state().isEmpty());
    assertEquals(0, dropout.offset());
  }

  @Test
  void anEditedEpochCountFailsTheChecksum() throws Exception {
    Path file = trainedCheckpoint("edited.safetensors");
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("\"jgrad.epochs\":\"2\""));
    Files.write(file, text.replace("\"jgrad.epochs\":\"2\"", "\"jgrad.epochs\":\"9\"")
        .getBytes(StandardCharsets.ISO_8859_1));
    Sequential model = model(2);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      assertRefusedUnchanged(file, opt, model, "checkpoint corrupt: checksum mismatch");
    } finally {
      model.close();
    }
  }

  @Test
  void aCheckpointWithoutTheWholeFileChecksumIsRefused() throws Exception {
    Path file = trainedCheckpoint("unsigned.safetensors");
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    // The key renamed in place (same length, valid JSON): the file now carries no checksum at all.
    Files.write(file, text.replace("\"jgrad.file_crc32c\"", "\"jgrad.nothing_xxx\"")
        .getBytes(StandardCharsets.ISO_8859_1));
    Sequential model = model(2);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      assertRefusedUnchanged(file, opt, model, "jgrad.file_crc32c missing");
    } finally {
      model.close();
    }
  }

  @Test
  void missingOptimizerStateIsRefused() throws Exception {
    // A checkpoint after 3 steps with the model's weights but no optimizer.* tensors.
    Sequential saved = model(1);
    Path file = dir.resolve("no-state.safetensors");
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    ModelWeights.export(saved).forEach((name, data) -> tensors.put("model." + name, data));
    saved.close();
    Safetensors.write(file, tensors, Map.of("jgrad.epochs", "1", "jgrad.optimizer_steps", "3", "jgrad.rng.dropout",
        "3:0"));
    Sequential model = model(2);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      assertRefusedUnchanged(file, opt, model,
          "missing after 3 steps: 0.weight.exp_avg, 0.weight.exp_avg_sq, 0.bias.exp_avg");
    } finally {
      model.close();
    }
  }

  @Test
  void optimizerStateOfAnotherKindLeavesTheModelUnchanged() throws Exception {
    Path file = trainedCheckpoint("adam.safetensors");
    Sequential model = model(2);
    try (Optimizer opt = new SGD(model.namedParameters(), SgdOptions.learningRate(0.1).withMomentum(0.9))) {
      assertRefusedUnchanged(file, opt, model, "no such parameter state");
    } finally {
      model.close();
    }
  }

  @Test
  void nonFiniteWeightsAreRefused() throws Exception {
    Sequential saved = model(1);
    try (Optimizer opt = new Adam(saved.namedParameters(), 1e-2)) {
      Tensor w = saved.parameters().get(2).value();
      float[] v = w.toFloatArray();
      v[4] = Float.NaN;
      backend.upload(buffer(w), v);
      TrainingCheckpoint.save(dir.resolve("nan.safetensors"), saved, opt, 1, Map.of("dropout", new Generator(3)),
          CONFIG);
    } finally {
      saved.close();
    }
    Sequential model = model(2);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      assertRefusedUnchanged(dir.resolve("nan.safetensors"), opt, model,
          "tensor 'model.2.weight' holds NaN at element 4: a checkpoint of a diverged run, refused");
    } finally {
      model.close();
    }
  }

  @Test
  void aFifoNewestInTheDirectoryIsPassedOverWithoutBlocking() throws Exception {
    Path good = trainedCheckpoint("good.safetensors");
    Files.setLastModifiedTime(good, FileTime.fromMillis(1_000));
    Path fifo = Fifos.make(dir.resolve("zzz.safetensors"));
    assertEquals(good, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> TrainingCheckpoint.newestValid(dir)));
    Sequential model = model(2);
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      InvalidFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
          InvalidFileException.class, () -> TrainingCheckpoint.load(fifo, model, opt, Map.of())));
      assertEquals(fifo + ": not a regular file (a FIFO, socket or device): refused", e.getMessage());
    } finally {
      model.close();
    }
  }
}
