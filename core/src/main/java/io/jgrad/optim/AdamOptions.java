package io.jgrad.optim;

/**
 * Adam's and AdamW's settings, named at the call site: {@code new AdamW(params, AdamOptions.learningRate(1e-3)
 * .withBetas(0.9, 0.95).withWeightDecay(0.05))}. Defaults as PyTorch's Adam: β = (0.9, 0.999), eps 1e-8, no weight
 * decay ({@link AdamW#defaults} starts from AdamW's 0.01 instead).
 *
 * @param weightDecay ≥ 0: L2 for {@link Adam}, decoupled for {@link AdamW}
 */
public record AdamOptions(double lr, double beta1, double beta2, double eps, double weightDecay) {
  public AdamOptions {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("Adam: needs betas in [0, 1), eps >= 0, weight decay >= 0; got "
          + beta1 + ", " + beta2 + ", " + eps + ", " + weightDecay);
    }
  }

  /** Adam's defaults at this learning rate. */
  public static AdamOptions learningRate(double lr) {
    return new AdamOptions(lr, 0.9, 0.999, 1e-8, 0);
  }

  public AdamOptions withBetas(double newBeta1, double newBeta2) {
    return new AdamOptions(lr, newBeta1, newBeta2, eps, weightDecay);
  }

  public AdamOptions withEps(double newEps) {
    return new AdamOptions(lr, beta1, beta2, newEps, weightDecay);
  }

  public AdamOptions withWeightDecay(double newWeightDecay) {
    return new AdamOptions(lr, beta1, beta2, eps, newWeightDecay);
  }
}
