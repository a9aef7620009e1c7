package io.jgrad.examples;

import io.jgrad.train.EpochMetrics;
import io.jgrad.train.TrainListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on stderr with the running loss and samples/s (on a terminal), or a plain line every tenth
 * of an epoch (otherwise, or with --no-progress); then a one-line epoch summary on stdout.
 */
final class ProgressListener implements TrainListener {
  private final boolean bar;
  private final PrintStream out;
  private final PrintStream err;
  private ProgressBar progress;
  private int steps;
  private int epochs;
  private long start;
  private long examples;
  private double lossSum;

  ProgressListener(boolean bar, PrintStream out, PrintStream err) {
    this.bar = bar;
    this.out = out;
    this.err = err;
  }

  @Override
  public void epochStarted(int epoch, int epochs, int steps) {
    this.steps = steps;
    this.epochs = epochs;
    start = System.nanoTime();
    examples = 0;
    lossSum = 0;
    if (bar) {
      progress = new ProgressBarBuilder()
          .setTaskName("epoch " + epoch + "/" + epochs)
          .setInitialMax(steps)
          .setStyle(ProgressBarStyle.ASCII)
          .setConsumer(new ConsoleProgressBarConsumer(err))
          .build();
    }
  }

  @Override
  public void stepFinished(int epoch, int step, double loss, int batchExamples) {
    examples += batchExamples;
    lossSum += loss * batchExamples;
    double rate = examples / ((System.nanoTime() - start) / 1e9);
    String extra = String.format(Locale.ROOT, "loss %.4f, %,.0f samples/s", lossSum / examples, rate);
    if (progress != null) {
      progress.stepTo(step + 1);
      progress.setExtraMessage(extra);
    } else if ((step + 1) % Math.max(1, steps / 10) == 0 || step + 1 == steps) {
      err.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  %s%n", epoch, epochs, step + 1, steps, extra);
    }
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    if (progress != null) {
      progress.close();
      progress = null;
    }
    out.printf(Locale.ROOT, "epoch %d/%d  train_loss %.4f  test_loss %.4f  test_accuracy %.4f  lr %.2e  %,.0f samples/s"
        + "  %.1f s%n", m.epoch(), epochs, m.trainLoss(), m.testLoss(), m.testAccuracy(), m.lr(), m.samplesPerSec(),
        m.seconds());
  }
}
