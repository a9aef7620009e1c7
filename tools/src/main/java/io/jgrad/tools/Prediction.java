package io.jgrad.tools;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A classifier's answer for one example.
 *
 * @param label the class predicted: the likeliest (the lower index on a tie), or a two-class model's second where its
 *     probability is above a threshold ({@link Predictor#predict(float[], double)})
 * @param probabilities softmax of the outputs, one per class
 */
public record Prediction(int label, String className, float[] probabilities, List<String> classNames) {
  public Prediction {
    probabilities = probabilities.clone();
    classNames = List.copyOf(classNames);
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }

  public double probability() {
    return probabilities[label];
  }

  /** The {@code k} likeliest classes, likeliest first (fewer when there are fewer classes). */
  public int[] top(int k) {
    return IntStream.range(0, probabilities.length).boxed()
        .sorted((a, b) -> Float.compare(probabilities[b], probabilities[a])) // stable: ties keep the lower index first
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && label == p.label && Arrays.equals(probabilities, p.probabilities)
        && classNames.equals(p.classNames);
  }

  @Override
  public int hashCode() {
    return label * 31 + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return className + " (" + probability() + ")";
  }
}
