package io.jgrad.tools;

import io.jgrad.Generator;
import io.jgrad.io.IoErrors;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import io.jgrad.train.BestMetric;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.ExponentialMovingAverage;
import io.jgrad.train.Monitor;
import io.jgrad.train.ReduceLrOnPlateau;
import io.jgrad.train.TrainListener;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a training checkpoint (see {@link TrainingCheckpoint}) atomically, so a crash loses at most the epochs since
 * the last one: after every epoch ({@code --save}), every n epochs and after the last ({@link #every}), or only when a
 * monitored metric reaches its best ({@link #onlyWhenBest}, {@code --save-best}). A file name holding {@code {epoch}}
 * gives each checkpoint its own file ({@code run-{epoch}.safetensors}).
 */
public final class CheckpointWriter implements TrainListener {
  /** In a file name, replaced by the epoch number. */
  public static final String EPOCH = "{epoch}";

  private final Path file;
  private final Module model;
  private final Optimizer optimizer;
  private final Map<String, Generator> rngs;
  private final Map<String, String> config;
  private Map<String, String> metadata = Map.of();
  private int every = 1;
  private BestMetric best;
  private ReduceLrOnPlateau plateau;
  private ExponentialMovingAverage average;
  private boolean onlyWhenBest;
  private int lastEpoch;

  /**
   * @param rngs the generators whose positions make the run replayable (dropout), by name
   * @param config the run's settings, recorded so that a resume can check it continues the same run
   */
  public CheckpointWriter(
      Path file, Module model, Optimizer optimizer, Map<String, Generator> rngs, Map<String, String> config) {
    this.file = file;
    this.model = model;
    this.optimizer = optimizer;
    this.rngs = rngs;
    this.config = config;
  }

  /** Writes after every {@code epochs}-th epoch and after the run's last one. */
  public CheckpointWriter every(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("checkpoint interval must be at least 1 epoch, got " + epochs);
    }
    this.every = epochs;
    return this;
  }

  /** Writes only after an epoch that is the best so far on {@code monitor} (by more than {@code minDelta}). */
  public CheckpointWriter onlyWhenBest(Monitor monitor, double minDelta) {
    recordBest(monitor, minDelta);
    this.onlyWhenBest = true;
    return this;
  }

  /**
   * Records in each checkpoint the best value of {@code monitor} so far and its epoch ({@link BestMetric#metadata}), so
   * that a resumed run's early stopping and save-best continue from them ({@link #restoreBest}).
   */
  public CheckpointWriter recordBest(Monitor monitor, double minDelta) {
    this.best = new BestMetric(monitor, minDelta);
    return this;
  }

  /** Continues the best value recorded in a resumed checkpoint's metadata (after {@link #recordBest}). */
  public CheckpointWriter restoreBest(Map<String, String> checkpointMetadata) {
    if (best != null) {
      best.restore(checkpointMetadata);
    }
    return this;
  }

  /**
   * Records in each checkpoint {@code plateau}'s state and the learning rate it has set, so that a resumed run goes on
   * at that rate ({@link ReduceLrOnPlateau#restore}).
   */
  public CheckpointWriter recordPlateau(ReduceLrOnPlateau plateau) {
    this.plateau = plateau;
    return this;
  }

  /**
   * Writes {@code average} of the weights into each checkpoint, which is then the model its readers (eval, predict,
   * export, serve, {@code --init-from}) take, while a resume restores both.
   */
  public CheckpointWriter average(ExponentialMovingAverage average) {
    this.average = average;
    return this;
  }

  /** Metadata written as given into every checkpoint: what inference needs (architecture, standardisation, classes). */
  public CheckpointWriter metadata(Map<String, String> metadata) {
    this.metadata = Map.copyOf(metadata);
    return this;
  }

  @Override
  public void epochStarted(int epoch, int epochs, int steps) {
    lastEpoch = epochs;
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    boolean improved = best != null && best.offer(m);
    boolean due = onlyWhenBest ? improved : m.epoch() % every == 0 || m.epoch() == lastEpoch;
    if (!due) {
      return;
    }
    Path target = fileFor(m.epoch());
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    if (best != null) {
      meta.putAll(best.metadata());
    }
    if (plateau != null) {
      meta.putAll(plateau.metadata(optimizer));
    }
    try {
      TrainingCheckpoint.save(target, model, optimizer, average, m.epoch(), rngs, config, meta);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target + ": " + IoErrors.reason(e), e);
    }
  }

  /** The file written after {@code epoch}. */
  public Path fileFor(int epoch) {
    String name = file.getFileName().toString();
    return name.contains(EPOCH) ? file.resolveSibling(name.replace(EPOCH, Integer.toString(epoch))) : file;
  }
}
