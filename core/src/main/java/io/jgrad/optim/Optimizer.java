package io.jgrad.optim;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.DType;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients, one fused backend kernel per parameter and step (never a chain of tensor
 * ops: an update touches each element once). Parameters are named (a module's {@code namedParameters()}), so the
 * optimizer's state exports as named tensors ("0.weight.exp_avg", PyTorch's state names) for a checkpoint.
 *
 * <p>State tensors are created lazily at a parameter's first update, outside every scope, and freed by {@link
 * #close()}. A parameter without a gradient is skipped, its state untouched; so is a frozen one ({@link
 * Parameter#requiresGrad(boolean)}), which keeps no state.
 */
public abstract class Optimizer implements AutoCloseable {
  private final Map<String, Parameter> params;
  private final Map<String, Tensor> state = new LinkedHashMap<>();
  private double lr;
  private long steps;
  private LrSchedule schedule;
  private boolean closed;

  protected Optimizer(Map<String, Parameter> params, double lr) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
    }
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    setLr(lr);
  }

  /** The learning rate of the next step (or of the last one, once a schedule has set it). */
  public final double lr() {
    return lr;
  }

  public final void setLr(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be > 0, got " + lr);
    }
    this.lr = lr;
  }

  /**
   * From now on each {@link #step()} first sets the learning rate to {@code schedule.lr(steps())}. Because the
   * schedule is a function of the step count, a resumed run (which restores the count) continues it exactly.
   */
  public final void setSchedule(LrSchedule schedule) {
    this.schedule = schedule;
  }

  /** Updates taken so far. */
  public final long steps() {
    return steps;
  }

  public final Map<String, Parameter> parameters() {
    return params;
  }

  /** One update of every parameter that has a gradient. */
  public final void step() {
    if (closed) {
      // Its state is gone: stepping would silently restart momentum and Adam's moments from zero.
      throw new IllegalStateException(getClass().getSimpleName() + ": the optimizer was closed and cannot step");
    }
    if (schedule != null) {
      setLr(schedule.lr(steps));
    }
    steps++;
    params.forEach((name, p) -> {
      Tensor g = p.grad();
      if (g != null) {
        update(name, p.value(), p.reducedCopy(), g); // the kernel rewrites the copy the next autocast forward reads
      }
    });
  }

  /**
   * One update of every parameter that has a gradient, applied only where the guard state (a {@link
   * io.jgrad.spi.StepGuard} buffer on the parameters' backend, written by {@link io.jgrad.Backend#stepGuard} after
   * backward) says the step is finite, with its clipping factor and its step count: the host reads nothing, so on a
   * GPU the step needs no synchronisation. The host's {@link #steps()} counts the step either way; {@link #setSteps}
   * puts it right once the host has read how many the device skipped.
   *
   * @throws UnsupportedOperationException unless {@link #stepsOnTheDevice()}
   */
  public final void step(Tensor guard) {
    beginStep();
    updateOnTheDevice(guard);
  }

  /**
   * The host's half of {@link #step(Tensor)}: sets this step's learning rate from the schedule and counts the step.
   * A trainer that replays a recorded step runs this before each replay and hands the replay {@link #lr()}.
   */
  public final void beginStep() {
    if (!stepsOnTheDevice()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " has no guarded multi-tensor step");
    }
    if (closed) {
      throw new IllegalStateException(getClass().getSimpleName() + ": the optimizer was closed and cannot step");
    }
    if (schedule != null) {
      setLr(schedule.lr(steps));
    }
    steps++;
  }

  /**
   * The device's half of {@link #step(Tensor)}, after {@link #beginStep()}: the guarded multi-tensor kernels at
   * {@link #lr()}, queued without reading anything back, so that a backend can record them.
   */
  public final void updateOnTheDevice(Tensor guard) {
    List<String> names = new ArrayList<>();
    List<Parameter> updated = new ArrayList<>();
    params.forEach((name, p) -> {
      if (p.grad() != null) {
        names.add(name);
        updated.add(p);
      }
    });
    if (!updated.isEmpty()) {
      updateAll(names, updated, guard); // the kernels rewrite each parameter's 16-bit copy too, as step() does
    }
  }

  /** Whether {@link #step(Tensor)} runs: true for the built-in optimizers. */
  public boolean stepsOnTheDevice() {
    return false;
  }

  /**
   * Updates every parameter of {@code updated} (each has a gradient) and its kept 16-bit copy ({@link
   * Parameter#reducedCopy}) with one multi-tensor kernel that reads {@code guard}; see {@link #step(Tensor)}. Only
   * optimizers whose {@link #stepsOnTheDevice()} is true implement it.
   */
  protected void updateAll(List<String> names, List<Parameter> updated, Tensor guard) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no guarded multi-tensor step");
  }

  /**
   * Sets the step count: after guarded steps, to the count the device applied (steps it skipped as non-finite do
   * not count, as the host loop does not count them).
   */
  public final void setSteps(long applied) {
    if (applied < 0) {
      throw new IllegalArgumentException("optimizer step count must be >= 0, got " + applied);
    }
    this.steps = applied;
  }

  /**
   * Updates {@code param} in place from {@code grad} with the backend's fused kernel, which also writes {@code
   * paramCopy} (the parameter's kept 16-bit copy, or null). {@link #steps()} is already this step's 1-based number.
   */
  protected abstract void update(String name, Tensor param, Tensor paramCopy, Tensor grad);

  /** The kinds of state tensor this optimizer keeps per parameter ("momentum_buffer", "exp_avg", …). */
  protected abstract Set<String> stateKinds();

  public final void zeroGrad() {
    params.values().forEach(Parameter::zeroGrad);
  }

  /** The state tensor {@code kind} of parameter {@code name}, or null before its first update. */
  protected final Tensor state(String name, String kind) {
    return state.get(name + "." + kind);
  }

  /** Creates the state tensor {@code kind} of a parameter: zeros of its shape and dtype, owned by this optimizer. */
  protected final Tensor createState(String name, String kind, Tensor param) {
    try (Scope ignored = Scope.detached()) {
      Tensor t = Tensor.zeros(param.backend(), param.dtype(), param.shape());
      state.put(name + "." + kind, t);
      return t;
    }
  }

  /** Every state tensor by "parameter.kind". The tensors stay owned by the optimizer: copy what must outlive it. */
  public final Map<String, Tensor> state() {
    return Collections.unmodifiableMap(state);
  }

  /**
   * Replaces the state and step count with a checkpoint's (copies the values; the caller keeps its tensors). Every
   * name must be "parameter.kind" for a parameter of this optimizer, a kind it keeps, and the parameter's shape;
   * otherwise nothing changes and the error lists every mismatch.
   */
  public final void loadState(Map<String, Tensor> saved, long steps) {
    checkState(saved, steps);
    clearState();
    saved.forEach((key, t) -> state.put(key, detachedCopy(t, params.get(key.substring(0, key.lastIndexOf('.'))))));
    this.steps = steps;
  }

  /**
   * Throws what {@link #loadState} would, changing nothing: a name that is not "parameter.kind" of this optimizer, a
   * shape that is not the parameter's, or, after {@code steps > 0}, a state tensor of a trainable parameter missing
   * (loading without it would silently restart that momentum or moment from zero; a frozen one has none).
   */
  public final void checkState(Map<String, Tensor> saved, long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("optimizer step count must be >= 0, got " + steps);
    }
    List<String> problems = new ArrayList<>();
    saved.forEach((key, t) -> {
      int dot = key.lastIndexOf('.');
      Parameter p = dot < 0 ? null : params.get(key.substring(0, dot));
      if (p == null || !stateKinds().contains(key.substring(dot + 1))) {
        problems.add(key + ": no such parameter state (kinds: " + stateKinds() + ")");
      } else if (!p.value().shape().equals(t.shape())) {
        problems.add(key + ": shape " + t.shape() + ", parameter is " + p.value().shape());
      }
    });
    if (steps > 0) {
      List<String> missing = new ArrayList<>();
      params.forEach((name, p) -> stateKinds().stream().sorted().map(kind -> name + "." + kind)
          .filter(key -> p.requiresGrad() && !saved.containsKey(key)).forEach(missing::add));
      if (!missing.isEmpty()) {
        problems.add("missing after " + steps + " steps: " + String.join(", ", missing));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " state does not match its parameters:\n  " + String.join("\n  ", problems));
    }
  }

  /** A copy of {@code src}'s values with the parameter's backend and dtype (a checkpoint may come from elsewhere). */
  private static Tensor detachedCopy(Tensor src, Parameter like) {
    Tensor p = like.value();
    try (Scope ignored = Scope.detached()) {
      Tensor t = Tensor.empty(p.backend(), p.dtype(), p.shape());
      if (p.dtype() == DType.FLOAT64) {
        p.backend().upload(buffer(t), src.toDoubleArray());
      } else {
        p.backend().upload(buffer(t), src.toFloatArray());
      }
      return t;
    }
  }

  private void clearState() {
    state.values().forEach(Tensor::close);
    state.clear();
  }

  /** Frees the state tensors (the parameters belong to their module). */
  @Override
  public void close() {
    closed = true;
    clearState();
  }
}
