package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.StepGuard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's side of {@link StepGuard}: after each backward it has the backend measure every gradient's Σg² and
 * decide the step (apply or skip, clipping factor) in device memory, where the guarded optimizer step reads the
 * decision; the host reads the accumulated metrics only in {@link #read()}, once per progress refresh. Owns the guard
 * state, the sums and the parameter-to-layer map (a layer is a parameter's module path, as {@link GradNormMonitor}'s).
 */
final class DeviceGuard implements AutoCloseable {
  /** What one read found, over the steps since the previous read. */
  record Window(
      double lossSum,
      int skipped,
      int overflows,
      double lossScale,
      int cleanSteps,
      int skippedInARow,
      boolean stopped,
      long appliedSteps,
      long badStep,
      double badLoss,
      String badLayers,
      Map<String, Double> lastNorms,
      Map<String, Double> minNorms,
      Map<String, Double> maxNorms) {}

  private final Backend backend;
  private final Map<String, Parameter> params;
  private final List<String> layers = new ArrayList<>();
  private final Tensor state;
  /** fp16's loss scale S as a tensor the loss is multiplied by, and its scaling for the guard; null without. */
  private final Tensor lossScale;
  private final StepGuard.LossScaling scaling;
  /** The parameters that had gradients at the last step, and their layer indices and sums on the device. */
  private List<String> measured = List.of();
  private Tensor layerOf;
  private Tensor sums;

  /**
   * @param appliedSteps the optimizer's step count so far
   * @param skippedInARow the run of skipped steps a previous fit ended with (it carries over, as on the host)
   * @param scaler fp16's loss scaler, whose S and clean steps the guard takes over; null without loss scaling
   */
  DeviceGuard(Map<String, Parameter> params, long appliedSteps, int skippedInARow, GradScaler scaler) {
    this.params = params;
    params.keySet().forEach(name -> {
      String layer = GradNormMonitor.layer(name);
      if (!layers.contains(layer)) {
        layers.add(layer);
      }
    });
    backend = params.values().iterator().next().value().backend();
    try (Scope ignored = Scope.detached()) {
      state = Tensor.empty(backend, DType.FLOAT32, Shape.of(StepGuard.length(layers.size())));
      lossScale = scaler == null ? null : Tensor.full(backend, DType.FLOAT32, Shape.of(1), scaler.scale());
    }
    scaling = scaler == null ? null : new StepGuard.LossScaling(buffer(lossScale), scaler.growthInterval());
    float[] initial = StepGuard.initial(layers.size(), appliedSteps);
    initial[StepGuard.SKIPPED_IN_A_ROW] = skippedInARow;
    if (scaler != null) {
      initial[StepGuard.LOSS_SCALE] = (float) scaler.scale();
      initial[StepGuard.CLEAN_STEPS] = scaler.cleanSteps();
    }
    backend.upload(buffer(state), initial);
  }

  /** What the step's loss is multiplied by before backward (S, updated on the device each step); null without. */
  Tensor lossScale() {
    return lossScale;
  }

  /** Where the parameters live. */
  Backend backend() {
    return backend;
  }

  /** The guard state the optimizer's guarded step reads. */
  Tensor state() {
    return state;
  }

  /**
   * Measures the gradients and decides this step on the device: no read-back.
   *
   * @param maxSkippedInARow 1 under {@link NonFinitePolicy#STOP}: the first skip stops the run
   */
  void decide(Tensor loss, int examples, double clipNorm, int maxSkippedInARow) {
    List<String> names = new ArrayList<>();
    List<Buffer> grads = new ArrayList<>();
    params.forEach((name, p) -> {
      if (p.grad() != null) {
        names.add(name);
        grads.add(buffer(p.grad()));
      }
    });
    if (!names.equals(measured)) {
      remap(names);
    }
    if (!grads.isEmpty()) {
      backend.sumsOfSquares(grads, buffer(sums));
    }
    backend.stepGuard(buffer(sums), buffer(layerOf), buffer(loss), examples, clipNorm, maxSkippedInARow,
        buffer(state), scaling);
  }

  /** The layer map and sums for this set of gradients (the same every step unless a parameter gains its first). */
  private void remap(List<String> names) {
    closeMaps();
    int[] index = new int[names.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = layers.indexOf(GradNormMonitor.layer(names.get(i)));
    }
    try (Scope ignored = Scope.detached()) {
      layerOf = Tensor.of(backend, index, index.length);
      sums = Tensor.empty(backend, DType.FLOAT32, Shape.of(index.length));
    }
    measured = names;
  }

  /** Reads the metrics accumulated since the last read (a read-back: on a GPU, a wait) and starts a new window. */
  Window read() {
    float[] s = StepGuard.read(backend, buffer(state));
    int n = layers.size();
    Map<String, Double> last = new LinkedHashMap<>();
    Map<String, Double> min = new LinkedHashMap<>();
    Map<String, Double> max = new LinkedHashMap<>();
    StringBuilder bad = new StringBuilder();
    for (int l = 0; l < n; l++) {
      String layer = layers.get(l);
      last.put(layer, Math.sqrt(s[StepGuard.Block.LAST.at(n, l)]));
      float lo = s[StepGuard.Block.MIN.at(n, l)];
      if (lo != Float.POSITIVE_INFINITY) { // a layer measured at an applied step of this window
        min.put(layer, Math.sqrt(lo));
        max.put(layer, Math.sqrt(s[StepGuard.Block.MAX.at(n, l)]));
      }
      if (!Float.isFinite(s[StepGuard.Block.BAD.at(n, l)])) {
        bad.append(bad.length() == 0 ? "" : ", ").append(layer);
      }
    }
    Window w = new Window((double) s[StepGuard.LOSS_SUM] + s[StepGuard.LOSS_SUM_LOW], (int) s[StepGuard.SKIPPED],
        (int) s[StepGuard.OVERFLOWS], s[StepGuard.LOSS_SCALE], (int) s[StepGuard.CLEAN_STEPS],
        (int) s[StepGuard.SKIPPED_IN_A_ROW], s[StepGuard.STOPPED] != 0, (long) s[StepGuard.APPLIED_STEPS],
        (long) s[StepGuard.BAD_STEP], s[StepGuard.BAD_LOSS], bad.toString(), last, min, max);
    if (w.skipped() > 0 || w.overflows() > 0 || w.lossSum() != 0 || !min.isEmpty()) {
      StepGuard.reset(s, n);
      backend.upload(buffer(state), s);
    }
    return w;
  }

  private void closeMaps() {
    if (layerOf != null) {
      layerOf.close();
      sums.close();
    }
  }

  @Override
  public void close() {
    closeMaps();
    state.close();
    if (lossScale != null) {
      lossScale.close();
    }
  }
}
