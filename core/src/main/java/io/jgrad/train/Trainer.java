package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.ActivationMemory;
import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.TensorData;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import io.jgrad.optim.GradClip;
import io.jgrad.optim.Optimizer;
import io.jgrad.spi.StepGuard;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs epochs of mini-batch training: forward, loss, zero the gradients, backward, check them, clip, step — one memory
 * scope per step, so a step's activations and temporaries go back to the backend's pool when it ends. Evaluates on the
 * validation data (if any) and a test set after each epoch and tells its listeners.
 */
public final class Trainer {
  private static final Logger log = System.getLogger(Trainer.class.getName());

  /**
   * Under {@link NonFinitePolicy#SKIP}, this many non-finite steps in a row stop the run: a run that has diverged
   * skips every step, and without a limit it would finish "successfully" with weights it never moved.
   */
  public static final int DEFAULT_MAX_SKIPPED_IN_A_ROW = 50;

  /** Set to "false" to run every fit on the host-checked step (the fallback; see {@link #deviceGuard(boolean)}). */
  public static final String DEVICE_GUARD_PROPERTY = "jgrad.trainer.deviceGuard";

  /** Set to "true" to record the device-decided step into a graph where the backend can (see {@link #graphs}). */
  public static final String GRAPHS_PROPERTY = "jgrad.trainer.graphs";

  /**
   * Steps between two reads of the device guard when no listener reads sooner: how late, at most, a stop (STOP, or
   * too many skips in a row) is noticed. The model is unchanged from the stopping step on either way.
   */
  static final int GUARD_READ_INTERVAL = 100;

  private final Module model;
  private final Optimizer optimizer;
  private final Loss loss;
  private final GradNormMonitor monitor;
  private final List<TrainListener> listeners = new ArrayList<>();
  private double clipNorm;
  private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.SKIP;
  private Precision precision = Precision.FP32;
  /** Loss scaling for FP16, else null. */
  private GradScaler scaler;
  private EarlyStopping earlyStopping;
  private ReduceLrOnPlateau plateau;
  private ExponentialMovingAverage average;
  private boolean rankValidation;
  private Mixup mixup;
  private Distillation distillation;
  /** The epoch and the step (both 0-based) that the next batch belongs to: mixup's λ is drawn from them. */
  private int epochIndex;
  private int stepIndex;
  /** Batches whose gradients add up before each optimizer step; see {@link #accumulate(int)}. */
  private int accumulation = 1;
  /**
   * Within a group of batches (accumulation): on the host, its first non-finite loss, else its last; on the device,
   * the group's mean loss so far (kept until the next group opens: the guard's kernels read it).
   */
  private double groupLoss;
  private Tensor groupMeanLoss;
  private DataLoader validation;
  private int restoredEpoch;
  private int completedEpochs;
  private int skippedSteps;
  private int maxSkippedInARow = DEFAULT_MAX_SKIPPED_IN_A_ROW;
  private int skippedInARow;
  /** Whether fit decides each step on the device ({@link DeviceGuard}); see {@link #deviceGuard(boolean)}. */
  private boolean deviceGuard = !"false".equals(System.getProperty(DEVICE_GUARD_PROPERTY));
  /** Whether fit records the device-decided step into a graph; see {@link #graphs(boolean)}. */
  private boolean graphs = "true".equals(System.getProperty(GRAPHS_PROPERTY));
  /** Steps replayed from a graph in the last fit. */
  private long replayedSteps;
  /** The current epoch's loss sum and examples, as the host has read them. */
  private double epochLossSum;
  private long epochExamples;

  public Trainer(Module model, Optimizer optimizer, Loss loss) {
    this.model = model;
    this.optimizer = optimizer;
    this.loss = loss;
    this.monitor = new GradNormMonitor(optimizer.parameters());
  }

  public Trainer listener(TrainListener l) {
    listeners.add(l);
    return this;
  }

  /** Clips gradients to this global L2 norm before each step (0: off). */
  public Trainer clipNorm(double maxNorm) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("clip norm must be >= 0, got " + maxNorm);
    }
    this.clipNorm = maxNorm;
    return this;
  }

  /**
   * Runs each forward and loss (training and evaluation) under {@link io.jgrad.Autocast} in this precision;
   * FP16 adds a {@link GradScaler}, whose overflowing steps are skipped and counted without a warning.
   */
  public Trainer precision(Precision precision) {
    this.precision = Objects.requireNonNull(precision, "precision");
    this.scaler = precision == Precision.FP16 ? new GradScaler() : null;
    return this;
  }

  public Precision precision() {
    return precision;
  }

  /** Replaces the FP16 loss scaler (its initial scale, its growth interval); FP16 only. */
  public Trainer gradScaler(GradScaler gradScaler) {
    if (precision != Precision.FP16) {
      throw new IllegalStateException("gradScaler: loss scaling is for fp16, the trainer runs " + precision.label());
    }
    this.scaler = Objects.requireNonNull(gradScaler, "gradScaler");
    return this;
  }

  /** The FP16 loss scaler, or null in other precisions. */
  public GradScaler gradScaler() {
    return scaler;
  }

  public Trainer nonFinitePolicy(NonFinitePolicy policy) {
    this.nonFinitePolicy = Objects.requireNonNull(policy, "non-finite policy");
    return this;
  }

  /**
   * Under {@link NonFinitePolicy#SKIP}, stops with a {@link NonFiniteGradientException} once {@code steps} steps in a
   * row have been skipped (default {@value #DEFAULT_MAX_SKIPPED_IN_A_ROW}). The model is then that of the last good
   * step, and no epoch end (so no checkpoint listener) is reached with it.
   */
  public Trainer maxSkippedInARow(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("max skipped steps in a row must be >= 1, got " + steps);
    }
    this.maxSkippedInARow = steps;
    return this;
  }

  /**
   * Whether {@link #fit} decides the non-finite guard and the clipping on the device (the default, unless the system
   * property {@value #DEVICE_GUARD_PROPERTY} is "false"): gradient norms, the skip decision and the loss sums stay in
   * device memory, the optimizer's guarded multi-tensor step reads the decision, and the host reads the metrics once
   * per progress refresh (at most every {@value #GUARD_READ_INTERVAL} steps and at each epoch's end). Skipped steps
   * are then reported (logged, or thrown under STOP) at that read rather than at the step, with the model unchanged
   * from the skipped step on as before. fp16's loss scaler is decided there too (an overflow skips the step and halves
   * the scale, as {@link GradScaler} does); optimizers without a guarded step keep the host check.
   */
  public Trainer deviceGuard(boolean on) {
    this.deviceGuard = on;
    return this;
  }

  /**
   * Whether {@link #fit}, on the device-decided step (see {@link #deviceGuard}), records the step into a graph once
   * its batch shape has repeated ({@link Backend#capture}: CUDA graphs) and replays it for every later batch of that
   * shape, one launch per step; the same seed gives the same masks, learning rates and losses as the eager steps. The
   * evaluation batches after each epoch are recorded and replayed the same way. Off by default unless the system
   * property {@value #GRAPHS_PROPERTY} is "true". Backends that do not record (the CPU backends) and steps that cannot
   * be recorded run eagerly, the latter with one warning.
   */
  public Trainer graphs(boolean on) {
    this.graphs = on;
    return this;
  }

  /** How many steps of the last {@link #fit} ran as a replay of a recorded graph. */
  public long replayedSteps() {
    return replayedSteps;
  }

  public Trainer earlyStopping(EarlyStopping stopping) {
    this.earlyStopping = stopping;
    return this;
  }

  /**
   * Adds up the gradients of {@code batches} consecutive batches before each optimizer step (PyTorch Lightning's
   * {@code accumulate_grad_batches}), each batch's mean loss weighted by its share of the group's examples: the step
   * of one batch of all of them, at the activation memory of one batch. An epoch's last group may be shorter and steps
   * with what it holds. Batch norm still normalises each batch alone, a group with a non-finite loss or gradient is
   * skipped whole, and {@link #graphs} records no step (the batches of a group do different work). Default 1.
   */
  public Trainer accumulate(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException("accumulate: batches per step must be >= 1, got " + batches);
    }
    this.accumulation = batches;
    return this;
  }

  /**
   * After each epoch, before the listeners hear of it (so that a checkpoint records its state), lowers the learning
   * rate where {@code plateau}'s metric has stopped improving; the optimizer must have no schedule.
   */
  public Trainer lrOnPlateau(ReduceLrOnPlateau plateau) {
    this.plateau = plateau;
    return this;
  }

  /**
   * Keeps {@code average} of the weights after every applied optimizer step (a skipped step moves neither), evaluates
   * it rather than the last weights after each epoch (so the epoch's figures, early stopping and its best weights are
   * the average's), and ends the fit with it in the model, as Keras' {@code use_ema} does. It must be of this trainer's
   * model; null: none.
   */
  public Trainer averageWeights(ExponentialMovingAverage average) {
    if (average != null && average.model() != model) {
      throw new IllegalArgumentException("averageWeights: the average is of another model than the trainer's");
    }
    this.average = average;
    return this;
  }

  /**
   * Trains on mixed batches ({@link Mixup}: each example blended with another or a box of it pasted in, the loss with
   * both their labels), a classifier's regulariser; null: none. No step is recorded into a graph (each batch mixes by
   * its own draw).
   */
  public Trainer mixup(Mixup mixup) {
    this.mixup = mixup;
    return this;
  }

  /**
   * Trains the model as a student of a teacher ({@link Distillation}): its loss adds the teacher's softened
   * probabilities as targets to the labels'; null: none. Not beside {@link #mixup}.
   */
  public Trainer distill(Distillation distillation) {
    this.distillation = distillation;
    return this;
  }

  /**
   * Also scores the validation data's macro F1 and ROC AUC after each epoch ({@link EpochMetrics#validationMacroF1},
   * {@link EpochMetrics#validationRocAuc}; NaN otherwise), for a listener whose {@link Monitor} watches them
   * (save-best): a second pass over the validation data that keeps every example's probabilities ({@link
   * ClassificationReport}), for a classifier. Early stopping and a plateau that watch them turn it on themselves.
   */
  public Trainer rankValidation(boolean on) {
    this.rankValidation = on;
    return this;
  }

  /**
   * Evaluates on {@code data} after each epoch ({@link EpochMetrics#validationLoss}): data held out of the training set
   * (see {@link io.jgrad.data.ValidationSplit}), never the test set, for early stopping and picking the best epoch.
   */
  public Trainer validation(DataLoader data) {
    this.validation = data;
    return this;
  }

  /** The epoch whose weights early stopping put back at the end of the last {@link #fit} (0: none were). */
  public int restoredEpoch() {
    return restoredEpoch;
  }

  /** Epochs already trained (restored from a checkpoint, the next {@link #fit} continues after them). */
  public int completedEpochs() {
    return completedEpochs;
  }

  public void setCompletedEpochs(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("completed epochs must be >= 0, got " + epochs);
    }
    this.completedEpochs = epochs;
  }

  /**
   * Trains until {@code epochs} epochs are complete in all (counting those already done) or early stopping says
   * enough. Epoch e's batches depend only on the loader's seed and e, so a resumed run continues exactly. When early
   * stopping restores the best weights, the model ends with those of the best epoch (see {@link #restoredEpoch}).
   *
   * @param test evaluated after each epoch; may be null
   */
  public List<EpochMetrics> fit(DataLoader train, DataLoader test, int epochs) {
    if (earlyStopping != null && earlyStopping.monitor().needsValidation() && validation == null) {
      throw new IllegalStateException("early stopping watches " + earlyStopping.monitor().label()
          + ", but the trainer has no validation data (Trainer.validation)");
    }
    if (mixup != null && distillation != null) {
      throw new IllegalStateException("a fit mixes its batches (mixup) or distils a teacher, not both");
    }
    if (plateau != null && plateau.monitor().needsValidation() && validation == null) {
      throw new IllegalStateException("the learning rate's plateau is watched on " + plateau.monitor().label()
          + ", but the trainer has no validation data (Trainer.validation)");
    }
    boolean ranked = validation != null && (rankValidation
        || earlyStopping != null && earlyStopping.monitor().needsRanking()
        || plateau != null && plateau.monitor().needsRanking());
    List<EpochMetrics> history = new ArrayList<>();
    restoredEpoch = 0;
    Map<String, TensorData> bestWeights = null;
    // The device guard reads nothing back per step; the deferred checks keep the loss kernels from waiting either.
    try (DeviceGuard guard = deviceGuard && optimizer.stepsOnTheDevice()
            ? new DeviceGuard(optimizer.parameters(), optimizer.steps(), skippedInARow, scaler) : null;
        Backend.DeferredChecks checks = guard == null ? null : guard.backend().deferChecks();
        GraphedStep graphed = guard == null || !graphs || accumulation > 1 || mixup != null ? null
            : new GraphedStep(guard.backend(), "the training step", optimizer::lr,
                b -> deviceWork(b, AccumulationPart.whole(b.size()), guard));
        Evaluator evaluator = new Evaluator(model, loss, graphed == null ? null : guard.backend())) {
      replayedSteps = 0;
      if (graphs && guard == null) {
        log.log(Level.INFO, "graphs: this fit checks each step on the host (" + (!deviceGuard ? "the device guard is off"
            : optimizer.getClass().getSimpleName() + " has no guarded step") + "), which reads the device every step, "
            + "so no step is recorded");
      } else if (graphs && accumulation > 1) {
        log.log(Level.INFO, "graphs: this fit accumulates the gradients of " + accumulation + " batches a step, so no "
            + "step is recorded");
      } else if (graphs && mixup != null) {
        log.log(Level.INFO, "graphs: this fit mixes each batch by its own weight (mixup), so no step is recorded");
      }
      while (completedEpochs < epochs) {
        int epoch = completedEpochs + 1;
        int steps = train.batchesPerEpoch();
        listeners.forEach(l -> l.epochStarted(epoch, epochs, steps));
        long start = System.nanoTime();
        ActivationMemory.resetPeak();
        int skippedBefore = skippedSteps;
        epochLossSum = 0;
        epochExamples = 0;
        model.train(true);
        int step = 0;
        for (Iterator<Batch> it = train.epoch(completedEpochs); it.hasNext(); step++) {
          try (Batch batch = it.next()) {
            epochIndex = completedEpochs;
            stepIndex = step;
            AccumulationPart part = accumulation == 1 ? AccumulationPart.whole(batch.size())
                : AccumulationPart.of(train, step, accumulation);
            StepProgress progress = guard == null ? hostStep(batch, part) : guardedStep(batch, part, guard, graphed);
            int s = step;
            listeners.forEach(li -> li.stepFinished(epoch, s, progress));
            if (guard != null && (step + 1) % GUARD_READ_INTERVAL == 0) {
              absorb(guard.read());
            }
          }
        }
        if (guard != null) {
          absorb(guard.read());
        }
        replayedSteps = graphed == null ? 0 : graphed.replays();
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval;
        Evaluation val;
        ClassificationReport ranking = null;
        try (ExponentialMovingAverage.Swapped ignored = average == null || test == null && validation == null ? null
            : average.swapIn()) {
          eval = evaluateOrNaN(evaluator, test);
          val = evaluateOrNaN(evaluator, validation);
          if (ranked) {
            try (Autocast region = precision.enter()) {
              ranking = ClassificationReport.of(model, loss, validation);
            }
          }
        }
        completedEpochs = epoch;
        EpochMetrics m = new EpochMetrics(
            epoch, epochLossSum / epochExamples, eval.loss(), eval.accuracy(), val.loss(), val.accuracy(),
            ranking == null ? Double.NaN : ranking.macroF1(), ranking == null ? Double.NaN : ranking.rocAuc(),
            optimizer.lr(), epochExamples / trainSeconds,
            (System.nanoTime() - start) / 1e9, ActivationMemory.peakBytes(), skippedSteps - skippedBefore,
            monitor.norms());
        history.add(m);
        if (plateau != null) {
          plateau.step(m, optimizer);
        }
        listeners.forEach(l -> l.epochFinished(m));
        if (earlyStopping != null) {
          boolean stop = earlyStopping.shouldStop(m);
          if (earlyStopping.improved() && earlyStopping.restoresBestWeights()) {
            // a host copy: the next step must not move it
            bestWeights = average == null ? ModelWeights.export(model) : average.export();
          }
          if (stop) {
            log.log(Level.INFO, "early stopping after epoch " + epoch);
            break;
          }
        }
      }
    } finally {
      dropGroupMeanLoss();
    }
    if (average != null) {
      average.copyToModel();
    }
    if (bestWeights != null && earlyStopping.bestEpoch() != completedEpochs) {
      ModelWeights.apply(model, bestWeights, "the weights of epoch " + earlyStopping.bestEpoch(), "");
      restoredEpoch = earlyStopping.bestEpoch();
      log.log(Level.INFO,
          "restored the weights of epoch " + restoredEpoch + ", the best " + earlyStopping.monitor().label());
    } else if (earlyStopping != null && earlyStopping.restoresBestWeights() && bestWeights == null
        && earlyStopping.bestEpoch() > 0 && earlyStopping.bestEpoch() != completedEpochs) {
      log.log(Level.WARNING, "the best epoch (" + earlyStopping.bestEpoch() + ") was trained before this fit (a resumed "
          + "run), so its weights were not kept here; the model keeps epoch " + completedEpochs + "'s");
    }
    return history;
  }

  /**
   * The model on {@code data} (classification data) in detail, in eval mode and without a graph: loss, accuracy,
   * top-k, confusion matrix and per-class precision, recall and F1. Regression data: {@link RegressionReport#of}.
   */
  public ClassificationReport evaluate(DataLoader data) {
    return ClassificationReport.of(model, loss, data);
  }

  private Evaluation evaluateOrNaN(Evaluator evaluator, DataLoader data) {
    if (data == null) {
      return new Evaluation(Double.NaN, Double.NaN);
    }
    try (Autocast ignored = precision.enter()) {
      return evaluator.evaluate(data);
    }
  }

  /** {@link #step}, with the epoch's sums kept on the host. */
  private StepProgress hostStep(Batch batch, AccumulationPart part) {
    double l = step(batch, part);
    epochLossSum += l * batch.size();
    epochExamples += batch.size();
    return StepProgress.known(batch.size(), l, epochLossSum / epochExamples);
  }

  /**
   * One step decided on the device: forward, loss, backward, the guard (norms, finite flag, clipping factor) and the
   * guarded optimizer step, with nothing read back. The progress reads the device only when a listener asks.
   */
  private StepProgress guardedStep(Batch batch, AccumulationPart part, DeviceGuard guard, GraphedStep graphed) {
    if (part.closes()) {
      optimizer.beginStep();
    }
    if (graphed != null) {
      graphed.run(batch);
    } else {
      deviceWork(batch, part, guard);
    }
    epochExamples += batch.size();
    return new StepProgress() {
      @Override
      public int examples() {
        return batch.size();
      }

      @Override
      public double loss() {
        return StepGuard.read(guard.state().backend(), buffer(guard.state()))[StepGuard.LAST_LOSS];
      }

      @Override
      public double meanLoss() {
        absorb(guard.read());
        return epochLossSum / epochExamples;
      }
    };
  }

  /**
   * The device's part of a guarded step, which reads nothing back: a backend can record it. In a group of batches, each
   * adds its gradients and its weighted loss to the group's; the guard and the step follow the last.
   */
  private void deviceWork(Batch batch, AccumulationPart part, DeviceGuard guard) {
    try (Scope ignored = Scope.open()) {
      Tensor l;
      try (Autocast region = precision.enter()) {
        l = batchLoss(batch);
      }
      if (part.opens()) {
        optimizer.zeroGrad();
      }
      Tensor weighted = part.weigh(l, batch.size());
      (guard.lossScale() == null ? weighted : weighted.mul(guard.lossScale())).backward();
      Tensor mean = l;
      if (!(part.opens() && part.closes())) {
        Tensor counted = weighted.detach(); // the step's scope owns it; the sum outlives the step
        Tensor sum;
        try (Scope kept = Scope.detached()) {
          sum = part.opens() ? counted.mul(1) : groupMeanLoss.add(counted);
        }
        dropGroupMeanLoss();
        groupMeanLoss = sum;
        mean = sum;
      }
      if (part.closes()) {
        guard.decide(mean, part.groupExamples(), clipNorm,
            nonFinitePolicy == NonFinitePolicy.STOP ? 1 : maxSkippedInARow);
        optimizer.updateOnTheDevice(guard.state());
        if (average != null) {
          average.update(guard.state());
        }
      }
    }
  }

  /** The loss of the model on {@code batch}: mixed with its mirror under {@link #mixup}, taught under distillation. */
  private Tensor batchLoss(Batch batch) {
    if (mixup != null) {
      return mixup.loss(model, loss, batch, mixup.draw(epochIndex, stepIndex));
    }
    Tensor out = model.forward(batch.features());
    return distillation == null ? loss.apply(out, batch.labels())
        : distillation.loss(out, batch.features(), batch.labels(), loss);
  }

  private void dropGroupMeanLoss() {
    if (groupMeanLoss != null) {
      groupMeanLoss.close();
      groupMeanLoss = null;
    }
  }

  /**
   * Takes what the device guard accumulated: the loss sum, the step count (skipped steps do not count), the skips
   * (logged; thrown when the run must stop) and the layer norms (warned about as the monitor does).
   */
  private void absorb(DeviceGuard.Window w) {
    epochLossSum += w.lossSum();
    optimizer.setSteps(w.appliedSteps());
    skippedSteps += w.skipped() + w.overflows();
    if (scaler != null) {
      scaler.follow(w.lossScale(), w.cleanSteps(), w.overflows());
      if (w.overflows() > 0) {
        log.log(Level.DEBUG, w.overflows() + " steps skipped as their fp16 gradients overflowed; loss scale now "
            + w.lossScale());
      }
    }
    skippedInARow = w.skippedInARow();
    if (!w.minNorms().isEmpty()) { // a step was applied since the last read: its norms are measurements
      monitor.warnAbout(w.minNorms());
      monitor.warnAbout(w.maxNorms());
      monitor.observe(w.lastNorms());
    }
    if (w.skipped() == 0 && !w.stopped()) {
      return;
    }
    String message = "non-finite gradient (loss " + w.badLoss() + ") first in "
        + (Double.isFinite(w.badLoss()) ? w.badLayers() : "the loss") + " at optimizer step " + w.badStep()
        + ": step skipped, model unchanged";
    if (w.stopped()) {
      throw new NonFiniteGradientException(nonFinitePolicy == NonFinitePolicy.STOP ? message
          : tooManySkipped(message));
    }
    log.log(Level.WARNING, w.skipped() == 1 ? message
        : w.skipped() + " steps skipped as non-finite since the last report; the last: " + message);
  }

  private String tooManySkipped(String lastMessage) {
    return skippedInARow + " steps in a row skipped as non-finite (limit " + maxSkippedInARow + "): the run has "
        + "diverged; stopping with the last good weights. Last: " + lastMessage;
  }

  /** One optimisation step on one batch; returns its loss. The model is unchanged when the step is skipped. */
  public double step(Batch batch) {
    return step(batch, AccumulationPart.whole(batch.size()));
  }

  /**
   * One batch's part of a step: its gradients added to its group's, the step taken (or skipped) after the group's last
   * batch; returns the batch's loss.
   */
  private double step(Batch batch, AccumulationPart part) {
    try (Scope ignored = Scope.open()) {
      Tensor l;
      try (Autocast region = precision.enter()) { // backward runs outside: its dtypes are fixed by the forward
        l = batchLoss(batch);
      }
      if (part.opens()) {
        optimizer.zeroGrad();
      }
      Tensor weighted = part.weigh(l, batch.size());
      (scaler == null ? weighted : scaler.scale(weighted)).backward();
      double value = l.item();
      if (part.opens() || Double.isFinite(groupLoss)) {
        groupLoss = value;
      }
      if (!part.closes()) {
        return value;
      }
      if (scaler != null) {
        scaler.unscale(optimizer.parameters().values());
      }
      String nonFinite = Double.isFinite(groupLoss) ? monitor.inspect() : "the loss";
      if (scaler != null) {
        scaler.update(nonFinite != null && Double.isFinite(groupLoss));
      }
      if (nonFinite != null) {
        if (scaler != null && Double.isFinite(groupLoss)) {
          skippedSteps++; // a float16 overflow at this scale: the scaler has halved it, the next step retries
          log.log(Level.DEBUG, "fp16 gradients overflowed in " + nonFinite + ": step skipped, loss scale now "
              + scaler.scale());
        } else {
          refuse(nonFinite, groupLoss);
        }
        return value;
      }
      if (clipNorm > 0) {
        GradClip.byNorm(optimizer.parameters().values(), clipNorm, monitor.globalNorm()); // measured: no 2nd pass
      }
      optimizer.step();
      if (average != null) {
        average.update();
      }
      skippedInARow = 0;
      return value;
    }
  }

  private void refuse(String where, double lossValue) {
    String message = "non-finite gradient (loss " + lossValue + ") first in " + where + " at optimizer step "
        + (optimizer.steps() + 1) + ": step skipped, model unchanged";
    if (nonFinitePolicy == NonFinitePolicy.STOP) {
      throw new NonFiniteGradientException(message);
    }
    skippedSteps++;
    skippedInARow++;
    if (skippedInARow >= maxSkippedInARow) {
      throw new NonFiniteGradientException(tooManySkipped(message));
    }
    log.log(Level.WARNING, message);
  }
}
