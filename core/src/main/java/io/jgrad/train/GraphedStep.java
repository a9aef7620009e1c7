package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.ActivationMemory;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.spi.StepGraph;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The device-decided training step recorded once into a backend graph ({@link Backend#capture}) and replayed for
 * every later batch of the same shape: one launch per step instead of one per kernel. The graph reads its batch from
 * input tensors of its own, which each step's batch is copied into; the learning rate and the dropout generators'
 * offsets are handed to each replay, and each generator is moved on by what one step draws, so the run draws the
 * counters, and computes the losses, that the eager steps would. Batches of another shape (an epoch's last, partial
 * one) run eagerly. Where the backend does not record (the CPU backends), or a capture fails (logged once), every
 * step runs eagerly.
 */
final class GraphedStep implements AutoCloseable {
  private static final Logger log = System.getLogger(GraphedStep.class.getName());

  /**
   * Eager steps of one batch shape before that shape is captured. The first creates what a graph must find in place
   * (optimizer state, the guard's layer map, autocast's 16-bit weights), the second shows the step repeats.
   */
  static final int WARM_UP_STEPS = 2;

  private final Backend backend;
  /** What is recorded, for the log: "the training step", "the evaluation batch". */
  private final String what;
  /** The learning rate of the step about to run, which each replay hands to the recorded optimizer kernels. */
  private final DoubleSupplier learningRate;
  /** The step's device work on a batch: forward, loss, backward, the guard and the optimizer's kernels. */
  private final Consumer<Batch> work;
  private StepGraph graph;
  /** Whether every step runs eagerly from now on: the backend does not record, or a capture failed. */
  private boolean eager;
  /** The graph's batch: what it reads, and each replay's batch is copied into; and its shapes. */
  private Batch inputs;
  private Signature inputsSignature;
  /** Per generator that the captured step drew from: its offset where the capture began, and counters per step. */
  private final Map<Generator, Long> origins = new LinkedHashMap<>();
  private final Map<Generator, Long> draws = new LinkedHashMap<>();
  /** Each replay's offset shifts by seed, refilled per replay (one map for the whole fit: replays are the hot path). */
  private final Map<Long, Long> shifts = new HashMap<>();
  /** Activation bytes the captured step saved at its peak, which a replay saves too but does not report. */
  private long capturedPeak;
  /** The shapes of the last eager steps' batches, and how many in a row had them. */
  private Signature lastSignature;
  private int sameShapeSteps;
  private long replays;

  GraphedStep(Backend backend, String what, DoubleSupplier learningRate, Consumer<Batch> work) {
    this.backend = backend;
    this.what = what;
    this.learningRate = learningRate;
    this.work = work;
  }

  /**
   * The device work on {@code batch}, recorded or replayed when it can. A training step's host half (the optimizer's
   * {@link io.jgrad.optim.Optimizer#beginStep}) has run already.
   */
  void run(Batch batch) {
    Signature signature = Signature.of(batch);
    if (graph != null && signature.equals(inputsSignature)) {
      copyIn(batch);
      replay();
      return;
    }
    sameShapeSteps = signature.equals(lastSignature) ? sameShapeSteps + 1 : 1;
    lastSignature = signature;
    if (eager || graph != null || sameShapeSteps <= WARM_UP_STEPS) {
      work.accept(batch);
      return;
    }
    capture(batch);
  }

  /** Steps that ran as a replay of the graph. */
  long replays() {
    return replays;
  }

  private void capture(Batch batch) {
    backend.synchronize(); // a bad label that earlier steps found is reported here, not taken for a failed capture
    inputs = detachedLike(batch);
    inputsSignature = Signature.of(batch);
    copyIn(batch);
    long peakBefore = ActivationMemory.peakBytes();
    ActivationMemory.resetPeak();
    StepGraph recorded;
    Map<Generator, Long> starts;
    try (Generator.Watch watch = Generator.watch()) {
      try {
        recorded = backend.capture(() -> work.accept(inputs));
      } catch (RuntimeException e) {
        watch.starts().forEach(Generator::setOffset); // the recording drew counters nothing used
        fallBack(what + " could not be captured in a graph (" + e.getMessage() + ")", batch);
        return;
      }
      starts = watch.starts();
    }
    capturedPeak = ActivationMemory.peakBytes();
    ActivationMemory.notePeak(peakBefore);
    if (recorded == null) {
      fallBack(null, batch);
      return;
    }
    Map<Long, Generator> bySeed = new HashMap<>();
    for (Generator g : starts.keySet()) {
      Generator other = bySeed.put(g.seed(), g);
      if (other != null) {
        recorded.close();
        starts.forEach(Generator::setOffset);
        fallBack("two dropout generators share the seed " + g.seed() + ", which a graph's replays cannot tell apart",
            batch);
        return;
      }
    }
    starts.forEach((g, start) -> {
      origins.put(g, start);
      draws.put(g, g.offset() - start);
      g.setOffset(start); // the replay below draws them
    });
    graph = recorded;
    replay();
  }

  /** Every step eager from now on; this one too. A null reason: the backend does not record, nothing to say. */
  private void fallBack(String reason, Batch batch) {
    eager = true;
    closeInputs();
    if (reason != null) {
      log.log(Level.WARNING, reason + "; " + what + " runs eagerly");
    }
    work.accept(batch);
  }

  private void replay() {
    draws.forEach((g, n) -> {
      long now = g.offset();
      shifts.put(g.seed(), now - origins.get(g));
      g.setOffset(now + n);
    });
    graph.replay(learningRate.getAsDouble(), shifts);
    ActivationMemory.notePeak(capturedPeak);
    replays++;
  }

  private void copyIn(Batch batch) {
    copy(batch.features(), inputs.features());
    copy(batch.labels(), inputs.labels());
  }

  private void copy(Tensor from, Tensor to) {
    backend.copy(buffer(from), 0, buffer(to), 0, from.size());
  }

  private static Batch detachedLike(Batch batch) {
    try (Scope ignored = Scope.detached()) {
      Tensor features = Tensor.empty(batch.features().backend(), batch.features().dtype(), batch.features().shape());
      Tensor labels = Tensor.empty(batch.labels().backend(), batch.labels().dtype(), batch.labels().shape());
      return new Batch(features, labels, 0);
    }
  }

  /** What a graph's batch fixes: the shapes and dtypes of features and labels. */
  private record Signature(Shape features, DType featureType, Shape labels, DType labelType) {
    static Signature of(Batch b) {
      return new Signature(b.features().shape(), b.features().dtype(), b.labels().shape(), b.labels().dtype());
    }
  }

  private void closeInputs() {
    if (inputs != null) {
      inputs.close();
      inputs = null;
    }
  }

  @Override
  public void close() {
    if (graph != null) {
      graph.close();
      graph = null;
    }
    closeInputs();
  }
}
