package io.jgrad.optim;

/**
 * SGD's settings, named at the call site: {@code new SGD(params, SgdOptions.learningRate(0.05).withMomentum(0.9)
 * .withNesterov(true))}. Defaults as PyTorch's: no momentum, no dampening, no weight decay, no Nesterov.
 *
 * @param dampening in [0, 1]: the fraction of each gradient kept out of the velocity
 * @param weightDecay L2 penalty added to the gradient, ≥ 0
 */
public record SgdOptions(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
  public SgdOptions {
    if (!(momentum >= 0) || !(dampening >= 0 && dampening <= 1) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("SGD: needs momentum >= 0, dampening in [0, 1], weight decay >= 0;"
          + " got " + momentum + ", " + dampening + ", " + weightDecay);
    }
    if (nesterov && (momentum == 0 || dampening != 0)) {
      throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
    }
  }

  /** Plain SGD at this learning rate. */
  public static SgdOptions learningRate(double lr) {
    return new SgdOptions(lr, 0, 0, 0, false);
  }

  public SgdOptions withMomentum(double newMomentum) {
    return new SgdOptions(lr, newMomentum, dampening, weightDecay, nesterov);
  }

  public SgdOptions withDampening(double newDampening) {
    return new SgdOptions(lr, momentum, newDampening, weightDecay, nesterov);
  }

  public SgdOptions withWeightDecay(double newWeightDecay) {
    return new SgdOptions(lr, momentum, dampening, newWeightDecay, nesterov);
  }

  public SgdOptions withNesterov(boolean newNesterov) {
    return new SgdOptions(lr, momentum, dampening, weightDecay, newNesterov);
  }
}
