package io.jgrad.data;

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

  /** 0..n−1 in order. */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
