package io.jgrad.examples;

/**
 * Range checks for the numbers a command takes, each failing with one line that names the option, so that no command
 * accepts a value that makes no sense (an infinite weight decay, a negative step count, a zero benchmark size) and
 * fails later, or not at all.
 */
public final class OptionChecks {
  private OptionChecks() {}

  /** {@code value >= min}. */
  public static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** Every element {@code >= min}. */
  public static int[] allAtLeast(String option, int[] values, int min) {
    for (int v : values) {
      if (v < min) {
        throw new IllegalArgumentException(option + " values must be >= " + min + ", got " + v);
      }
    }
    return values;
  }

  /** A finite {@code value >= min} (NaN and infinities refused). */
  public static double finiteAtLeast(String option, double value, double min) {
    if (!(Double.isFinite(value) && value >= min)) {
      String bound = min == Math.rint(min) ? Long.toString((long) min) : Double.toString(min);
      throw new IllegalArgumentException(option + " must be a finite number >= " + bound + ", got " + value);
    }
    return value;
  }

  /** A finite {@code value > 0}. */
  public static double finitePositive(String option, double value) {
    if (!(Double.isFinite(value) && value > 0)) {
      throw new IllegalArgumentException(option + " must be a finite number > 0, got " + value);
    }
    return value;
  }

  /** A probability strictly between 0 and 1 (a decision threshold). */
  public static double probability(String option, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(option + " must be a probability in (0, 1), got " + value);
    }
    return value;
  }
}
