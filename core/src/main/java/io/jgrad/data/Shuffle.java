package io.jgrad.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Random orders of rows, drawn one way everywhere so that the same seed gives the same order. */
public final class Shuffle {
  private Shuffle() {}

  /** 0..n−1 in a uniformly random order (Fisher–Yates), drawn from {@code rng}. */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] order = identity(n);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * {@code n} rows drawn with replacement, row i with probability {@code weights[i] / Σ weights} (PyTorch's {@code
   * WeightedRandomSampler(weights, n, replacement=True)}), from {@code rng}: a uniform draw found in the running
   * sums.
   */
  public static int[] weighted(double[] weights, int n, SplittableRandom rng) {
    double[] cumulative = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
    int[] rows = new int[n];
    for (int k = 0; k < n; k++) {
      double u = rng.nextDouble() * sum;
      int i = Arrays.binarySearch(cumulative, u);
      i = i >= 0 ? i + 1 : -i - 1; // the first running sum above u
      while (i < weights.length - 1 && weights[i] == 0) {
        i++; // a zero-weight row shares its running sum with the row before: never drawn
      }
      rows[k] = Math.min(i, weights.length - 1);
    }
    return rows;
  }

  /** 0..n−1 in order. */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
