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

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;

  /** β = (0.9, 0.999), eps 1e-8, no weight decay. */
  public Adam(Map<String, Parameter> params, double lr) {
    this(params, AdamOptions.learningRate(lr));
  }

  public Adam(Map<String, Parameter> params, AdamOptions options) {
    this(params, options, false);
  }

  Adam(Map<String, Parameter> params, AdamOptions options, boolean decoupled) {
    super(params, options.lr());
    this.beta1 = options.beta1();
    this.beta2 = options.beta2();
    this.eps = options.eps();
    this.weightDecay = options.weightDecay();
    this.decoupled = decoupled;
  }

  @Override
  protected final void update(String name, Tensor param, Tensor paramCopy, Tensor grad) {
    Tensor m = state(name, FIRST_MOMENT);
    if (m == null) {
      m = createState(name, FIRST_MOMENT, param);
    }
    Tensor v = state(name, SECOND_MOMENT);
    if (v == null) {
      v = createState(name, SECOND_MOMENT, param);
    }
    param.backend().adamStep(buffer(param), paramCopy == null ? null : buffer(paramCopy), buffer(grad), buffer(m),
        buffer(v), lr(), beta1, beta2, eps, weightDecay, decoupled, steps());
  }

  @Override
  public final boolean stepsOnTheDevice() {
    return true;
  }

  @Override
  protected final void updateAll(List<String> names, List<Parameter> updated, Tensor guard) {
    List<Buffer> params = new ArrayList<>();
    List<Buffer> copies = new ArrayList<>();
    List<Buffer> grads = new ArrayList<>();
    List<Buffer> ms = new ArrayList<>();
    List<Buffer> vs = new ArrayList<>();
    for (int i = 0; i < updated.size(); i++) {
      String name = names.get(i);
      Tensor param = updated.get(i).value();
      Tensor m = state(name, FIRST_MOMENT);
      Tensor v = state(name, SECOND_MOMENT);
      params.add(buffer(param));
      Tensor copy = updated.get(i).reducedCopy();
      copies.add(copy == null ? null : buffer(copy));
      grads.add(buffer(param.grad()));
      ms.add(buffer(m == null ? createState(name, FIRST_MOMENT, param) : m));
      vs.add(buffer(v == null ? createState(name, SECOND_MOMENT, param) : v));
    }
    guard.backend().adamSteps(params, copies, grads, ms, vs, lr(), beta1, beta2, eps, weightDecay, decoupled,
        buffer(guard));
  }

  @Override
  protected final Set<String> stateKinds() {
    return Set.of(FIRST_MOMENT, SECOND_MOMENT);
  }
}
