package io.jgrad.optim;

/** lr = baseLr·gamma^⌊step / stepSize⌋: decays by gamma every stepSize steps, as PyTorch's StepLR. */
public record StepLR(double baseLr, long stepSize, double gamma) implements LrSchedule {
  public StepLR {
    Schedules.checkPositive("StepLR", "base lr", baseLr);
    Schedules.checkPositive("StepLR", "gamma", gamma);
    if (stepSize <= 0) {
      throw new IllegalArgumentException("StepLR: step size must be > 0, got " + stepSize);
    }
  }

  @Override
  public double lr(long step) {
    return baseLr * Math.pow(gamma, Math.floorDiv(step, stepSize));
  }
}
