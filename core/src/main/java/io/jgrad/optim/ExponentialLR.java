package io.jgrad.optim;

/** lr = baseLr·gamma^step, as PyTorch's ExponentialLR. */
public record ExponentialLR(double baseLr, double gamma) implements LrSchedule {
  public ExponentialLR {
    Schedules.checkPositive("ExponentialLR", "base lr", baseLr);
    Schedules.checkPositive("ExponentialLR", "gamma", gamma);
  }

  @Override
  public double lr(long step) {
    return baseLr * Math.pow(gamma, step);
  }
}
