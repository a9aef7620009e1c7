package io.jgrad.nn;

import io.jgrad.Backend;
import io.jgrad.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a network of layers, as in PyTorch: it registers its parameters, state buffers (running statistics) and
 * child modules under names, so {@link #namedParameters()} gives stable dotted names ("0.weight", "2.bias") for
 * optimizers and safetensors files.
 */
public abstract class Module {
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor[]> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;
  private boolean frozen;

  protected Module() {}

  public abstract Tensor forward(Tensor x);

  protected final Parameter registerParameter(String name, Tensor value) {
    Parameter p = new Parameter(value);
    parameters.put(checkName(name), p);
    return p;
  }

  /**
   * Registers non-trainable state saved with the model (e.g. running mean). The one-element array is the slot the
   * module reads and replaces, so loading a checkpoint can swap the tensor.
   */
  protected final void registerBuffer(String name, Tensor[] slot) {
    buffers.put(checkName(name), slot);
  }

  protected final <M extends Module> M registerModule(String name, M child) {
    children.put(checkName(name), child);
    return child;
  }

  private String checkName(String name) {
    if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || buffers.containsKey(name)
        || children.containsKey(name)) {
      throw new IllegalArgumentException("bad or duplicate name '" + name + "' in " + getClass().getSimpleName());
    }
    return name;
  }

  /** Every parameter of this module and its descendants, keyed by dotted path, in registration order. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collectParameters("", out);
    return out;
  }

  private void collectParameters(String prefix, Map<String, Parameter> out) {
    parameters.forEach((n, p) -> out.put(prefix + n, p));
    children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out));
  }

  public final List<Parameter> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** Every state buffer's slot, keyed by dotted path. */
  public final Map<String, Tensor[]> namedBuffers() {
    Map<String, Tensor[]> out = new LinkedHashMap<>();
    collectBuffers("", out);
    return out;
  }

  private void collectBuffers(String prefix, Map<String, Tensor[]> out) {
    buffers.forEach((n, b) -> out.put(prefix + n, b));
    children.forEach((n, c) -> c.collectBuffers(prefix + n + ".", out));
  }

  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /**
   * Training mode (dropout active, batch statistics) for this module and its descendants, but for {@link #freeze()
   * frozen} ones, which stay in evaluation mode. Returns this.
   */
  public Module train(boolean on) {
    training = on && !frozen;
    children.values().forEach(c -> c.train(on));
    return this;
  }

  /**
   * Every parameter of this module and its descendants frozen (false) or trainable (true), as PyTorch's {@code
   * requires_grad_}: see {@link Parameter#requiresGrad(boolean)}. Running statistics still update in training mode,
   * as PyTorch's do; {@link #freeze()} stops them too. Returns this.
   */
  public Module requiresGrad(boolean requires) {
    parameters().forEach(p -> p.requiresGrad(requires));
    return this;
  }

  /**
   * Keeps this module and its descendants as they are while the rest of a model trains, as Keras' {@code
   * trainable = False}: their parameters take no gradient and no step ({@link #requiresGrad(boolean)}), and they stay
   * in evaluation mode, so a batch norm normalises with its running statistics and leaves them unchanged (in PyTorch,
   * {@code requires_grad_(False)} and {@code eval()} on the frozen part, called again after each {@code train()}).
   * Returns this.
   */
  public Module freeze() {
    requiresGrad(false);
    markFrozen();
    return this;
  }

  private void markFrozen() {
    frozen = true;
    training = false;
    children.values().forEach(Module::markFrozen);
  }

  public final Module eval() {
    return train(false);
  }

  public final boolean isTraining() {
    return training;
  }

  public final void zeroGrad() {
    parameters().forEach(Parameter::zeroGrad);
  }

  /** Moves every parameter and buffer to {@code backend}. Returns this. */
  public Module to(Backend backend) {
    parameters().forEach(p -> p.to(backend));
    for (Tensor[] slot : namedBuffers().values()) {
      Tensor old = slot[0];
      if (old.backend() != backend) {
        slot[0] = Parameter.detachedCopy(old, backend); // keeps the dtype: float64 buffers stay float64
        old.close();
      }
    }
    return this;
  }

  /** Frees every parameter and buffer. */
  public void close() {
    parameters().forEach(Parameter::close);
    namedBuffers().values().forEach(slot -> slot[0].close());
  }

  /** Total number of parameter elements, frozen ones included. */
  public final long parameterCount() {
    return parameters().stream().mapToLong(p -> p.value().size()).sum();
  }

  /**
   * The module as PyTorch prints one: its class and {@link #settings}, {@code Linear(in_features=784,
   * out_features=512, bias=true)}; a container's settings and then each child on lines of their own, a child under
   * its name, indented by its depth.
   */
  @Override
  public String toString() {
    String settings = settings();
    StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('(');
    if (children.isEmpty()) {
      return s.append(settings).append(')').toString();
    }
    if (!settings.isEmpty()) {
      s.append("\n  ").append(settings);
    }
    children.forEach((name, child) ->
        s.append("\n  (").append(name).append("): ").append(child.toString().replace("\n", "\n  ")));
    return s.append("\n)").toString();
  }

  /**
   * What sets this module apart from others of its class, for {@link #toString} (PyTorch's {@code extra_repr}): sizes
   * and options under PyTorch's keyword names; "" for none.
   */
  protected String settings() {
    return "";
  }
}
