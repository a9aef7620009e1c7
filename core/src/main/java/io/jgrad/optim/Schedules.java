package io.jgrad.optim;

/** What the schedules share: argument checks and the cosine ramp. */
final class Schedules {
  private Schedules() {}

  /** Half a cosine from {@code from} (progress 0) to {@code to} (progress 1). */
  static double cosine(double from, double to, double progress) {
    return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  static void checkPositive(String schedule, String what, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(schedule + ": " + what + " must be > 0, got " + value);
    }
  }
}
