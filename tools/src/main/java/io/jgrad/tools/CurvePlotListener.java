package io.jgrad.tools;

import io.jgrad.io.IoErrors;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Redraws the training curves ({@link CurvePlot#trainingCurves}) into one PNG after every epoch, so an interrupted run
 * still leaves its curves up to the last finished epoch.
 */
public final class CurvePlotListener implements TrainListener {
  private final Path png;
  private final String title;
  private final List<EpochMetrics> history = new ArrayList<>();

  public CurvePlotListener(Path png, String title) {
    this.png = png;
    this.title = title;
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    history.add(m);
    try {
      CurvePlot.trainingCurves(history, title, png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + png + ": " + IoErrors.reason(e), e);
    }
  }
}
