package io.jgrad.optim;

import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma &amp; Ba) with PyTorch's semantics ({@link io.jgrad.Backend#adamStep}): m = β1·m + (1 − β1)·g, v = β2·v
 * + (1 − β2)·g², p −= lr·m̂ / (√v̂ + eps) with the bias corrections m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t). Weight decay
 * is L2 (added to the gradient, so it is scaled by the adaptive denominator); {@link AdamW} decouples it.
 *
 * <p>t is the optimizer's step count, shared by all parameters (PyTorch counts per parameter; the two differ only for
 * a parameter that skipped steps without a gradient).
 */
public sealed class Adam extends Optimizer permits AdamW {
  private static final String FIRST_MOMENT = "exp_avg";
  private static final String SECOND_MOMENT = "exp_avg_sq";
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;

  /** β = (0.9, 0.999), eps 1e-8, no weight decay. */
  public Adam(Map<String, Parameter> params, double lr) {
    this(params, lr, BETA1, BETA2, EPS, 0);
  }

  public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    this(params, lr, beta1, beta2, eps, weightDecay, false);
  }

  Adam(
      Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
      boolean decoupled) {
    super(params, lr);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + ": needs betas in [0, 1), eps >= 0, weight decay >= 0; got " + beta1 + ", " + beta2 + ", " + eps + ", "
          + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  @Override
  protected final void update(String name, Tensor param, Tensor grad) {
    Tensor m = state(name, FIRST_MOMENT);
    if (m == null) {
      m = createState(name, FIRST_MOMENT, param);
    }
    Tensor v = state(name, SECOND_MOMENT);
    if (v == null) {
      v = createState(name, SECOND_MOMENT, param);
    }
    param.backend().adamStep(param.buffer(), grad.buffer(), m.buffer(), v.buffer(), lr(), beta1, beta2, eps,
        weightDecay, decoupled, steps());
  }

  @Override
  protected final Set<String> stateKinds() {
    return Set.of(FIRST_MOMENT, SECOND_MOMENT);
  }
}
