package io.jgrad.optim;

/**
 * Linear warmup then cosine decay: lr rises from peakLr/warmupSteps to peakLr over the first warmupSteps steps (the
 * first step is not wasted at lr 0), then follows half a cosine from peakLr down to minLr at totalSteps, and stays
 * there. Warmup keeps Adam's early, badly estimated second moments from taking huge steps.
 */
public record WarmupCosineLR(double peakLr, long warmupSteps, long totalSteps, double minLr) implements LrSchedule {
  public WarmupCosineLR {
    Schedules.checkPositive("WarmupCosineLR", "peak lr", peakLr);
    if (warmupSteps < 0 || totalSteps <= warmupSteps || !(minLr >= 0 && minLr <= peakLr)) {
      throw new IllegalArgumentException("WarmupCosineLR: needs 0 <= warmup < total and 0 <= min lr <= peak lr, got "
          + warmupSteps + ", " + totalSteps + ", " + minLr + ", " + peakLr);
    }
  }

  @Override
  public double lr(long step) {
    if (step < warmupSteps) {
      return peakLr * (step + 1) / warmupSteps;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    return Schedules.cosine(peakLr, minLr, progress);
  }
}
