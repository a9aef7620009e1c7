package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.testing.ReferenceBackendTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest extends ReferenceBackendTest {
  @TempDir Path dir;

  private static Sequential model(int hidden, long seed) {
    Generator g = new Generator(seed);
    return new Sequential(new Linear(backend, 4, hidden, g), new BatchNorm1d(backend, DType.FLOAT32, hidden),
        new ReLU(), new Linear(backend, hidden, 2, g));
  }

  @Test
  void savedWeightsAndBuffersLoadIntoAFreshModel() throws IOException {
    Sequential a = model(8, 1);
    try (Scope ignored = Scope.open()) { // one training batch moves BatchNorm's running stats off their defaults
      a.train(true).forward(Tensor.randn(backend, DType.FLOAT32, Shape.of(6, 4), new Generator(3), 1, 2));
    }
    assertNotEquals(0f, a.namedBuffers().get("1.running_mean")[0].toFloatArray()[0]);
    Path file = dir.resolve("w.safetensors");
    ModelWeights.save(a, file, Map.of("note", "test"));
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "1.running_mean",
        "1.running_var"), List.copyOf(Safetensors.read(file).tensors().keySet()));
    Sequential b = model(8, 2);
    ModelWeights.load(b, file);
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().toFloatArray(), b.parameters().get(i).value().toFloatArray());
    }
    for (String name : a.namedBuffers().keySet()) {
      assertArrayEquals(a.namedBuffers().get(name)[0].toFloatArray(), b.namedBuffers().get(name)[0].toFloatArray(),
          name);
    }
  }

  @Test
  void weightsLoadAcrossFloatPrecisions() throws IOException {
    Generator g = new Generator(4);
    Linear wide = new Linear(backend, DType.FLOAT64, 3, 2, true, Initializer.heNormal(), g);
    Linear narrow = new Linear(backend, DType.FLOAT32, 3, 2, true, Initializer.zeros(), g);
    Path f64 = dir.resolve("f64.safetensors");
    ModelWeights.save(wide, f64, Map.of());
    ModelWeights.load(narrow, f64);
    double[] w = wide.weight().value().toDoubleArray();
    float[] rounded = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      rounded[i] = (float) w[i];
    }
    assertArrayEquals(rounded, narrow.weight().value().toFloatArray());
    Path f32 = dir.resolve("f32.safetensors");
    ModelWeights.save(narrow, f32, Map.of());
    ModelWeights.load(wide, f32);
    assertArrayEquals(narrow.weight().value().toDoubleArray(), wide.weight().value().toDoubleArray());
  }

  @Test
  void aFileThatDoesNotMatchListsEveryMismatchAndChangesNothing() throws IOException {
    Path file = dir.resolve("w.safetensors");
    ModelWeights.save(model(8, 1), file, Map.of());
    Sequential other = new Sequential(new Linear(backend, 4, 16, new Generator(3)), new ReLU(),
        new Linear(backend, 16, 2, new Generator(3)), new ReLU(), new Linear(backend, 2, 2, new Generator(3)));
    float[] before = other.parameters().get(0).value().toFloatArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.load(other, file));
    assertEquals(file + " does not match the model: 12 mismatch(es): 0.weight: file has [8,4], model has [16,4];"
        + " 0.bias: file has [8], model has [16]; missing 2.weight [2,16]; missing 2.bias [2]; missing 4.weight [2,2];"
        + " missing 4.bias [2]; unexpected 1.weight (not in the model); unexpected 1.bias (not in the model);"
        + " unexpected 3.weight (not in the model); unexpected 3.bias (not in the model);"
        + " unexpected 1.running_mean (not in the model); unexpected 1.running_var (not in the model)", e.getMessage());
    assertArrayEquals(before, other.parameters().get(0).value().toFloatArray());
  }
}
