package io.jgrad.optim;

/**
 * Smith's one-cycle policy as PyTorch's OneCycleLR (cosine annealing, two phases): lr climbs from maxLr/divFactor to
 * maxLr over the first pctStart of totalSteps, then anneals to maxLr/(divFactor·finalDivFactor) at the last step, and
 * stays there. The high middle phase trains fast; the long tail settles the weights.
 */
public record OneCycleLR(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor)
    implements LrSchedule {

  /** PyTorch's defaults: pctStart 0.3, divFactor 25, finalDivFactor 1e4. */
  public OneCycleLR(double maxLr, long totalSteps) {
    this(maxLr, totalSteps, 0.3, 25, 1e4);
  }

  public OneCycleLR {
    Schedules.checkPositive("OneCycleLR", "max lr", maxLr);
    Schedules.checkPositive("OneCycleLR", "div factor", divFactor);
    Schedules.checkPositive("OneCycleLR", "final div factor", finalDivFactor);
    if (totalSteps < 2 || !(pctStart > 0 && pctStart < 1)) {
      throw new IllegalArgumentException(
          "OneCycleLR: needs total steps >= 2 and pctStart in (0, 1), got " + totalSteps + ", " + pctStart);
    }
  }

  @Override
  public double lr(long step) {
    double initial = maxLr / divFactor;
    double peakStep = pctStart * totalSteps - 1; // PyTorch's phase boundaries, in steps
    double lastStep = totalSteps - 1;
    if (step <= peakStep) {
      return Schedules.cosine(initial, maxLr, step / peakStep);
    }
    double progress = Math.min(1.0, (step - peakStep) / (lastStep - peakStep));
    return Schedules.cosine(maxLr, initial / finalDivFactor, progress);
  }
}
