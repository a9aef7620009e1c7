package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.data.Imputer.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fill values as scikit-learn's SimpleImputer learns them; a column of categories filled with its mode. */
class ImputerTest {
  private static final float N = Float.NaN;

  /** Six rows of three columns of numbers, NaN where missing. */
  private static final float[] X = {
      1, 7, N,
      N, 7, 2,
      3, 5, 2,
      10, N, 4,
      N, 5, 9,
      2.5f, 1, N};

  private static LabeledData table(float[] x, int features) {
    return new LabeledData(x, new int[x.length / features], features, 2);
  }

  /**
   * scikit-learn 1.2's {@code SimpleImputer(strategy=s).fit(X).statistics_} on the same X: mean [4.125, 5.0, 4.25],
   * median [2.75, 5.0, 3.0], most_frequent [1.0, 5.0, 2.0] (ties to the smallest).
   */
  @Test
  void eachStrategyLearnsScikitLearnsStatistics() {
    List<String> names = List.of("a", "b", "c");
    assertArrayEquals(new float[] {4.125f, 5, 4.25f}, Imputer.fit(table(X, 3), names, Map.of(), Strategy.MEAN).fill());
    assertArrayEquals(new float[] {2.75f, 5, 3}, Imputer.fit(table(X, 3), names, Map.of(), Strategy.MEDIAN).fill());
    assertArrayEquals(new float[] {1, 5, 2},
        Imputer.fit(table(X, 3), names, Map.of(), Strategy.MOST_FREQUENT).fill());
  }

  @Test
  void applyFillsOnlyTheMissingFeaturesAndKeepsFullDataAsItIs() {
    Imputer median = Imputer.fit(table(X, 3), List.of("a", "b", "c"), Map.of(), Strategy.MEDIAN);
    LabeledData filled = median.apply(table(X, 3));
    assertArrayEquals(new float[] {1, 7, 3, 2.75f, 7, 2, 3, 5, 2, 10, 5, 4, 2.75f, 5, 9, 2.5f, 1, 3},
        filled.features());
    assertSame(filled, median.apply(filled));
  }

  /** A column of categories (one-hot, NaN together where missing) takes its most frequent category, any strategy. */
  @Test
  void aColumnOfCategoriesTakesItsMostFrequentCategory() {
    float[] x = {
        0.5f, 1, 0, 0,
        N, 0, 1, 0,
        1.5f, 0, 1, 0,
        2, N, N, N};
    List<String> names = List.of("x", "color_blue", "color_green", "color_red");
    Map<String, List<String>> categories = Map.of("color", List.of("blue", "green", "red"));
    Imputer mean = Imputer.fit(table(x, 4), names, categories, Strategy.MEAN);
    assertArrayEquals(new float[] {4f / 3, 0, 1, 0}, mean.fill());
    assertArrayEquals(new float[] {0.5f, 1, 0, 0, 4f / 3, 0, 1, 0, 1.5f, 0, 1, 0, 2, 0, 1, 0},
        mean.apply(table(x, 4)).features());
  }

  @Test
  void aFeatureWithNoValuePresentIsRefusedNamingIt() {
    float[] x = {1, N, 2, N};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Imputer.fit(table(x, 2), List.of("a", "b"), Map.of(), Strategy.MEAN));
    assertEquals("column 'b' has no value in any training row to learn its fill value from", e.getMessage());
    float[] c = {1, N, N, 2, N, N};
    e = assertThrows(IllegalArgumentException.class, () -> Imputer.fit(table(c, 3), List.of("a", "k_p", "k_q"),
        Map.of("k", List.of("p", "q")), Strategy.MEDIAN));
    assertEquals("column 'k' has no category in any training row to fill its missing ones with", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Imputer.of(new float[] {1, N}));
    assertThrows(IllegalArgumentException.class, () -> Imputer.of(new float[] {1}).apply(table(X, 3)));
  }
}
