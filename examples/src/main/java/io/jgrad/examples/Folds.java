package io.jgrad.examples;

import io.jgrad.data.LabeledData;
import io.jgrad.data.Shuffle;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.io.InvalidFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code train --cv K}'s folds of a data set of one's own, as scikit-learn's cross-validation makes them by default:
 * the examples shuffled by the seed and dealt into k folds whose sizes differ by one at most, classes stratified
 * ({@code StratifiedKFold(shuffle=True)}: each class's examples dealt in turn, so that every fold holds each class in
 * its share) and a regression's or a multi-label table's examples in k slices ({@code KFold(shuffle=True)},
 * scikit-learn's stratification taking one class an example). Fold i tests on its examples and trains on the others,
 * both in the data's order.
 */
final class Folds {
  private Folds() {}

  /**
   * @param source the file the examples came from, for the message when there are fewer than k
   * @param unit what an example is there ("rows")
   */
  static List<TrainTestSplit> of(LabeledData all, int k, long seed, Path source, String unit) {
    int n = all.size();
    if (k > n) {
      throw new InvalidFileException(source.toString(), n + " " + unit + " cannot be cut into " + k + " folds");
    }
    int[] order = Shuffle.permutation(n, new SplittableRandom(seed));
    int[] foldOf = new int[n];
    if (all.isRegression()) { // a multi-label table's presences are targets too
      for (int p = 0; p < n; p++) {
        foldOf[order[p]] = (int) ((long) p * k / n);
      }
    } else {
      int[] labels = all.labels();
      int[] byClass = Arrays.stream(order).boxed().sorted(Comparator.comparingInt(row -> labels[row]))
          .mapToInt(Integer::intValue).toArray(); // stable: shuffled within each class
      for (int p = 0; p < n; p++) {
        foldOf[byClass[p]] = p % k;
      }
    }
    List<TrainTestSplit> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      int fold = f;
      int[] tested = IntStream.range(0, n).filter(row -> foldOf[row] == fold).toArray();
      int[] trained = IntStream.range(0, n).filter(row -> foldOf[row] != fold).toArray();
      folds.add(new TrainTestSplit(all.rows(trained), all.rows(tested)));
    }
    return folds;
  }
}
