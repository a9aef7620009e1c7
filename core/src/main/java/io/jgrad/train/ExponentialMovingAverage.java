package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.spi.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An exponential moving average of a model's weights, kept beside them: after every applied optimizer step, average
 * += (1 − decay)·(weight − average), for every parameter and every buffer (batch norm's running statistics), starting
 * from the weights it is made with. It is TensorFlow's {@code ExponentialMovingAverage}, timm's {@code ModelEmaV2}
 * without warm-up, and PyTorch's {@code AveragedModel} with {@code get_ema_multi_avg_fn(decay)} and {@code
 * use_buffers=True} updated once before the first step. The average of the last ~1/(1 − decay) steps' weights smooths
 * out the noise of the last steps, which often scores better than the weights of the last step alone.
 *
 * <p>The average lives where the weights do; a step's update reads nothing back ({@link
 * io.jgrad.Backend#emaSteps}), and under the device guard it follows the guard's decision, so a skipped step moves
 * neither the weights nor their average.
 */
public final class ExponentialMovingAverage implements AutoCloseable {
  private final Module model;
  private final double decay;
  /** The model's weights by name, read at each use: loading or moving the model replaces a value. */
  private final Map<String, Supplier<Tensor>> weights = new LinkedHashMap<>();
  private final Map<String, Tensor> averages = new LinkedHashMap<>();
  /** The model's own weights while the average is {@link #swapIn swapped in}; made at the first swap and kept. */
  private final Map<String, Tensor> held = new LinkedHashMap<>();

  /** The average of {@code model}'s weights, starting as a copy of them; {@code decay} in (0, 1), often 0.999. */
  public ExponentialMovingAverage(Module model, double decay) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("moving average: decay must be in (0, 1), got " + decay);
    }
    this.model = model;
    this.decay = decay;
    model.namedParameters().forEach((name, p) -> weights.put(name, p::value));
    model.namedBuffers().forEach((name, slot) -> weights.put(name, () -> slot[0]));
    weights.forEach((name, w) -> averages.put(name, copyOf(w.get())));
  }

  public double decay() {
    return decay;
  }

  /** Whose weights these are the average of. */
  public Module model() {
    return model;
  }

  /** One step's update, after an optimizer step on the host. */
  public void update() {
    update(null);
  }

  /** One step's update, after a step the device guard decided: applied only where the guard applied the step. */
  void update(Tensor guardState) {
    if (averages.isEmpty()) {
      return;
    }
    List<Buffer> a = new ArrayList<>(averages.size());
    List<Buffer> v = new ArrayList<>(averages.size());
    averages.forEach((name, t) -> {
      a.add(buffer(t));
      v.add(buffer(weights.get(name).get()));
    });
    Tensor first = averages.values().iterator().next();
    first.backend().emaSteps(a, v, 1 - decay, guardState == null ? null : buffer(guardState));
  }

  /** The average by the model's names, as host copies (a checkpoint's tensors). */
  public Map<String, TensorData> export() {
    Map<String, TensorData> out = new LinkedHashMap<>();
    averages.forEach((name, t) -> out.put(name, ModelWeights.toData(t)));
    return out;
  }

  /**
   * Sets the average to {@code tensors[prefix + name]} for each of the model's weights; checked as {@link
   * ModelWeights#apply} checks (every name, with its shape, and no other under the prefix) before anything changes.
   */
  public void load(Map<String, TensorData> tensors, String source, String prefix) {
    ModelWeights.check(model, tensors, source, prefix);
    averages.forEach((name, t) -> ModelWeights.upload(t, tensors.get(prefix + name)));
  }

  /** Writes the average into the model's weights, as Keras' {@code use_ema} does at the end of {@code fit}. */
  public void copyToModel() {
    averages.forEach((name, t) -> copy(t, weights.get(name).get()));
    model.namedParameters().values().forEach(Parameter::valueChanged);
  }

  /**
   * The average in the model's weights (in place: a recorded evaluation reads the same buffers) until the returned
   * handle is closed, which puts the model's own weights back.
   */
  public Swapped swapIn() {
    weights.forEach((name, w) -> {
      Tensor kept = held.get(name);
      if (kept == null) {
        held.put(name, copyOf(w.get()));
      } else {
        copy(w.get(), kept);
      }
    });
    copyToModel();
    return () -> {
      held.forEach((name, t) -> copy(t, weights.get(name).get()));
      model.namedParameters().values().forEach(Parameter::valueChanged);
    };
  }

  /** The model with the average swapped in: closing it puts the model's weights back. */
  public interface Swapped extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public void close() {
    averages.values().forEach(Tensor::close);
    held.values().forEach(Tensor::close);
    held.clear();
  }

  private static Tensor copyOf(Tensor t) {
    Tensor c;
    try (Scope ignored = Scope.detached()) {
      c = Tensor.empty(t.backend(), t.dtype(), t.shape());
    }
    copy(t, c);
    return c;
  }

  private static void copy(Tensor from, Tensor to) {
    from.backend().copy(buffer(from), 0, buffer(to), 0, from.size());
  }
}
