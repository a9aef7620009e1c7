package io.jgrad.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A training set cut in two: the examples to train on and a validation part held out of training, for early stopping
 * and picking the best epoch, so that the test set is never used to choose anything.
 *
 * @param train the examples left to train on, in their original order
 * @param validation the held-out examples, in their original order
 */
public record ValidationSplit(LabeledData train, LabeledData validation) {

  /**
   * Holds out {@code round(fraction · size)} examples picked at random by {@code seed} (the same seed, the same
   * split), at least one in each part.
   */
  public static ValidationSplit carve(LabeledData data, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    int n = data.size();
    int held = (int) Math.round(fraction * n);
    if (held < 1 || held >= n) {
      throw new IllegalArgumentException("a validation fraction of " + fraction + " of " + n + " examples leaves "
          + held + " to validate and " + (n - held) + " to train; each part needs at least one");
    }
    int[] order = Shuffle.permutation(n, new SplittableRandom(seed));
    int[] validation = Arrays.copyOf(order, held);
    int[] train = Arrays.copyOfRange(order, held, n);
    Arrays.sort(validation);
    Arrays.sort(train);
    return new ValidationSplit(data.rows(train), data.rows(validation));
  }
}
