package io.jgrad.tools;

import io.jgrad.io.IoErrors;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.StepProgress;
import io.jgrad.train.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a run's curves for TensorBoard ({@code --tensorboard DIR}; {@code tensorboard --logdir DIR} shows them), as
 * PyTorch's {@code SummaryWriter(log_dir=DIR)} would: a new event file in the folder, each epoch's measurements as
 * scalars ({@code train/loss}, {@code test/loss}, {@code test/accuracy}, {@code validation/…}, {@code lr}, {@code
 * samples_per_sec}, {@code skipped_steps}, {@code grad_norm/LAYER}, {@code epoch}) and every {@link #everySteps}-th
 * step's loss as {@code train/step_loss}. All are plotted against the optimizer steps taken so far, as PyTorch
 * Lightning's logger does, so that step and epoch curves share one axis and a resumed run continues its curves (its
 * new file in the same folder).
 */
public final class TensorBoardWriter implements TrainListener {
  /** As PyTorch Lightning's {@code log_every_n_steps}. */
  public static final int DEFAULT_EVERY_STEPS = 50;

  private final EventFile file;
  private int everySteps = DEFAULT_EVERY_STEPS;
  private long stepsPerEpoch = 1;

  /**
   * Creates {@code folder} if missing and a new event file in it.
   *
   * @throws UncheckedIOException naming the folder, if the file cannot be created
   */
  public TensorBoardWriter(Path folder) {
    try {
      file = EventFile.create(folder, now());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TensorBoard events to " + folder + ": " + IoErrors.reason(e), e);
    }
  }

  /**
   * Writes the loss of every {@code steps}-th step of an epoch (0: none). Each is a read-back of the loss (on a GPU, a
   * wait for the device), so a small {@code steps} slows a fast run.
   */
  public TensorBoardWriter everySteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps between losses must be >= 0, got " + steps);
    }
    everySteps = steps;
    return this;
  }

  /** The event file this run writes. */
  public Path file() {
    return file.path();
  }

  @Override
  public void epochStarted(int epoch, int epochs, int steps) {
    stepsPerEpoch = steps;
  }

  @Override
  public void stepFinished(int epoch, int step, StepProgress progress) {
    if (everySteps > 0 && (step + 1) % everySteps == 0) {
      write((epoch - 1) * stepsPerEpoch + step + 1, Map.of("train/step_loss", progress.loss()));
    }
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("train/loss", m.trainLoss());
    putMeasured(s, "test/loss", m.testLoss());
    putMeasured(s, "test/accuracy", m.testAccuracy());
    putMeasured(s, "validation/loss", m.validationLoss());
    putMeasured(s, "validation/accuracy", m.validationAccuracy());
    putMeasured(s, "validation/macro_f1", m.validationMacroF1());
    putMeasured(s, "validation/roc_auc", m.validationRocAuc());
    s.put("lr", m.lr());
    s.put("samples_per_sec", m.samplesPerSec());
    s.put("skipped_steps", (double) m.skippedSteps());
    m.gradNorms().forEach((layer, norm) -> s.put("grad_norm/" + layer, norm));
    s.put("epoch", (double) m.epoch());
    write(m.epoch() * stepsPerEpoch, s);
  }

  /** A figure the run measured: NaN stands for none (no test set; accuracy of a regression), which is left out. */
  private static void putMeasured(Map<String, Double> scalars, String tag, double value) {
    if (!Double.isNaN(value)) {
      scalars.put(tag, value);
    }
  }

  private void write(long step, Map<String, Double> scalars) {
    try {
      file.scalars(now(), step, scalars);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append TensorBoard events to " + file.path() + ": "
          + IoErrors.reason(e), e);
    }
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
