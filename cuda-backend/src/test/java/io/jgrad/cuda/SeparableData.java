package io.jgrad.cuda;

import io.jgrad.data.LabeledData;
import java.util.SplittableRandom;

/**
 * The GPU training tests' data: MNIST-shaped examples (784 features, 10 classes) of Gaussian noise with 1 added to
 * the features whose index is the label modulo 10, so a small MLP learns them within a few dozen steps. Seeded, so
 * every backend sees the same examples.
 */
final class SeparableData {
  static final int FEATURES = 784;

  private SeparableData() {}

  static LabeledData of(int n) {
    SplittableRandom rng = new SplittableRandom(3);
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
      for (int f = 0; f < FEATURES; f++) {
        x[i * FEATURES + f] = (float) (rng.nextGaussian() + (f % 10 == y[i] ? 1 : 0));
      }
    }
    return new LabeledData(x, y, FEATURES, 10);
  }
}
