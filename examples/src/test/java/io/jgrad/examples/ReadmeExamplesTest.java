package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.MnistDataset;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.io.ModelWeights;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java examples, as written there (the data set path swapped for the bundled digits). */
class ReadmeExamplesTest {
  @TempDir Path dir;

  @Test
  void theFifteenLineExampleRuns() {
    try (Backend cpu = Backends.create("cpu")) {
      Tensor x = Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
      Tensor w = Tensor.randn(cpu, DType.FLOAT32, Shape.of(3, 4), new Generator(42), 0, 0.5).requiresGrad(true);
      Tensor b = Tensor.zeros(cpu, 4).requiresGrad(true);
      Tensor labels = Tensor.of(cpu, new int[] {1, 3}, 2);

      Tensor logits = x.matmul(w).add(b).relu();
      Tensor loss = logits.crossEntropy(labels);
      loss.backward();

      assertTrue(loss.item() > 0);
      assertNotNull(w.grad());
      assertEquals(Shape.of(4), b.grad().shape());
    }
  }

  @Test
  void theTrainingExampleRunsAndSavesSafetensors() throws java.io.IOException {
    try (Backend backend = Backends.create("cpu")) {
      TrainTestSplit mnist = MnistDataset.loadResources(getClass().getClassLoader(), "io/jgrad/examples/digits");
      mnist.standardize(1);
      Generator gen = new Generator(0);
      Sequential model = new Sequential(
          new Linear(backend, 784, 256, gen), new ReLU(), new Dropout(0.2, gen),
          new Linear(backend, 256, 10, gen));
      try (DataLoader train = DataLoader.builder(mnist.train()).batchSize(128).shuffle(true).build(backend);
          DataLoader test = DataLoader.builder(mnist.test()).batchSize(1000).build(backend);
          AdamW opt = new AdamW(model.namedParameters(), 1e-3)) {
        Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1));
        List<EpochMetrics> history = trainer.fit(train, test, 2);
        assertTrue(history.get(1).testAccuracy() > 0.9, "accuracy " + history.get(1).testAccuracy());
        Path file = dir.resolve("mlp.safetensors");
        ModelWeights.save(model, file, Map.of());
        Sequential fresh = new Sequential(
            new Linear(backend, 784, 256, new Generator(9)), new ReLU(), new Dropout(0.2, gen),
            new Linear(backend, 256, 10, new Generator(9)));
        ModelWeights.load(fresh, file);
        assertEquals(
            java.util.Arrays.toString(model.parameters().get(2).value().toFloatArray()),
            java.util.Arrays.toString(fresh.parameters().get(2).value().toFloatArray()));
      }
    }
  }
}
