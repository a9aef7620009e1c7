package io.jgrad.tools;

import io.jgrad.Backend;
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
import io.jgrad.train.Trainer;
import java.util.SplittableRandom;

/** A small classifier on Gaussian clusters, all from fixed seeds: what the listeners' tests train. */
final class ToyRun implements AutoCloseable {
  static final int FEATURES = 8;
  static final int CLASSES = 3;

  final Generator dropoutRng = new Generator(11);
  final Sequential model;
  final Optimizer opt;
  final DataLoader train;
  final DataLoader test;
  final Trainer trainer;

  ToyRun(Backend backend) {
    Generator init = new Generator(5);
    model = new Sequential(new Linear(backend, FEATURES, 16, init), new ReLU(), new Dropout(0.1, dropoutRng),
        new Linear(backend, 16, CLASSES, init));
    train = DataLoader.builder(clusters(96, 1)).batchSize(16).shuffle(true).seed(3).build(backend);
    test = DataLoader.builder(clusters(48, 2)).batchSize(24).build(backend);
    opt = new AdamW(model.namedParameters(), 0.01);
    trainer = new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0));
  }

  /** n points, class i % CLASSES, shifted by 2 along the features that belong to their class. */
  static LabeledData clusters(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = (float) (rng.nextGaussian() + (j % CLASSES == y[i] ? 2.0 : 0));
      }
    }
    return new LabeledData(x, y, FEATURES, CLASSES);
  }

  @Override
  public void close() {
    train.close();
    test.close();
    opt.close();
    model.close();
  }
}
