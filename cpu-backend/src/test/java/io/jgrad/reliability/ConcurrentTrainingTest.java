package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.testing.ReferenceBackendTest;
import io.jgrad.train.Trainer;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two models training at once on separate threads over one backend end with the same weights, bit for bit, as each
 * trained alone: the backend's pool and GEMM workers are shared safely, and grad mode, scopes, activation accounting
 * and dropout's random tape stay per thread.
 */
class ConcurrentTrainingTest {
  /** Wide enough that the cpu backend's GEMM splits across its worker threads (m·n·k ≥ 2^18). */
  private static final int FEATURES = 64;
  private static final int HIDDEN = 64;
  private static final int BATCH = 64;
  private static final int CLASSES = 4;
  private static final int EPOCHS = 3;
  private static final int ROUNDS = 3;

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void twoModelsAtOnceTrainAsEachAlone(String name) throws Exception {
    try (Backend backend = Backends.create(name, BackendOptions.defaults().withThreads(2))) {
      float[][] aloneA = train(backend, 1);
      float[][] aloneB = train(backend, 2);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < ROUNDS; round++) {
          CompletableFuture<float[][]> a = CompletableFuture.supplyAsync(() -> train(backend, 1), threads);
          CompletableFuture<float[][]> b = CompletableFuture.supplyAsync(() -> train(backend, 2), threads);
          assertSameWeights(aloneA, a.get(60, TimeUnit.SECONDS), name + " round " + round + " model A");
          assertSameWeights(aloneB, b.get(60, TimeUnit.SECONDS), name + " round " + round + " model B");
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /** Trains a small MLP with dropout from {@code seed} and returns its final weights. */
  private static float[][] train(Backend backend, long seed) {
    Generator init = new Generator(seed);
    Sequential model = new Sequential(new Linear(backend, FEATURES, HIDDEN, init), new ReLU(),
        new Dropout(0.25, new Generator(seed + 100)), new Linear(backend, HIDDEN, CLASSES, init));
    try (DataLoader data = DataLoader.builder(dataset(seed)).batchSize(BATCH).shuffle(true).seed(seed).build(backend);
        Optimizer opt = new AdamW(model.namedParameters(), 1e-2)) {
      new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0.1)).fit(data, null, EPOCHS);
      return ReferenceBackendTest.weights(model);
    } finally {
      model.close();
    }
  }

  /** 512 noisy points whose class shifts one block of features. */
  private static LabeledData dataset(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 8 * BATCH;
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(CLASSES);
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = (float) rng.nextGaussian() + (j * CLASSES / FEATURES == y[i] ? 1.5f : 0f);
      }
    }
    return new LabeledData(x, y, FEATURES, CLASSES);
  }

  private static void assertSameWeights(float[][] expected, float[][] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], what + ", parameter " + i);
    }
  }
}
