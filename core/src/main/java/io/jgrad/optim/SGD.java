package io.jgrad.optim;

import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with PyTorch's semantics ({@link io.jgrad.Backend#sgdStep}): g = grad + wd·p; with
 * momentum, v = momentum·v + (1 − dampening)·g (v = g at the first step) and g = v, or g + momentum·v for Nesterov;
 * p −= lr·g.
 */
public final class SGD extends Optimizer {
  private static final String VELOCITY = "momentum_buffer";

  private final double momentum;
  private final double dampening;
  private final double weightDecay;
  private final boolean nesterov;

  /** Plain SGD: p −= lr·grad. */
  public SGD(Map<String, Parameter> params, double lr) {
    this(params, SgdOptions.learningRate(lr));
  }

  public SGD(Map<String, Parameter> params, SgdOptions options) {
    super(params, options.lr());
    this.momentum = options.momentum();
    this.dampening = options.dampening();
    this.weightDecay = options.weightDecay();
    this.nesterov = options.nesterov();
  }

  @Override
  protected void update(String name, Tensor param, Tensor paramCopy, Tensor grad) {
    Tensor velocity = null;
    boolean firstStep = false;
    if (momentum != 0) {
      velocity = state(name, VELOCITY);
      if (velocity == null) {
        velocity = createState(name, VELOCITY, param);
        firstStep = true; // the kernel sets v = g rather than decaying the zeros
      }
    }
    param.backend().sgdStep(param.buffer(), paramCopy == null ? null : paramCopy.buffer(), grad.buffer(),
        velocity == null ? null : velocity.buffer(), lr(), momentum, dampening, weightDecay, nesterov, firstStep);
  }

  @Override
  protected Set<String> stateKinds() {
    return momentum == 0 ? Set.of() : Set.of(VELOCITY);
  }
}
