package io.jgrad.optim;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.spi.Buffer;
import java.util.ArrayList;
import java.util.List;
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
    param.backend().sgdStep(buffer(param), paramCopy == null ? null : buffer(paramCopy), buffer(grad),
        velocity == null ? null : buffer(velocity), lr(), momentum, dampening, weightDecay, nesterov, firstStep);
  }

  @Override
  public boolean stepsOnTheDevice() {
    return true;
  }

  /** Parameters whose velocity is new this step take the kernel's first-step rule (v = g) in a launch of their own. */
  @Override
  protected void updateAll(List<String> names, List<Parameter> updated, Tensor guard) {
    List<List<Buffer>> params = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Buffer>> copies = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Buffer>> grads = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Buffer>> velocities = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < updated.size(); i++) {
      Tensor param = updated.get(i).value();
      int first = 0;
      if (momentum != 0) {
        Tensor velocity = state(names.get(i), VELOCITY);
        if (velocity == null) {
          velocity = createState(names.get(i), VELOCITY, param);
          first = 1;
        }
        velocities.get(first).add(buffer(velocity));
      }
      params.get(first).add(buffer(param));
      Tensor copy = updated.get(i).reducedCopy();
      copies.get(first).add(copy == null ? null : buffer(copy));
      grads.get(first).add(buffer(param.grad()));
    }
    for (int first = 0; first < 2; first++) {
      if (!params.get(first).isEmpty()) {
        guard.backend().sgdSteps(params.get(first), copies.get(first), grads.get(first),
            momentum == 0 ? null : velocities.get(first), lr(), momentum, dampening, weightDecay, nesterov, first == 1,
            buffer(guard));
      }
    }
  }

  @Override
  protected Set<String> stateKinds() {
    return momentum == 0 ? Set.of() : Set.of(VELOCITY);
  }
}
