package io.jgrad.tools;

import io.jgrad.Generator;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a training checkpoint (see {@link TrainingCheckpoint}) after every epoch ({@code --save}), atomically, so a
 * crash loses at most one epoch.
 */
public final class CheckpointWriter implements TrainListener {
  private final Path file;
  private final Module model;
  private final Optimizer optimizer;
  private final Map<String, Generator> rngs;
  private final Map<String, String> config;

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

  @Override
  public void epochFinished(EpochMetrics m) {
    try {
      TrainingCheckpoint.save(file, model, optimizer, m.epoch(), rngs, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }
}
