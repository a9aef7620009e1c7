package io.jgrad.tools;

import io.jgrad.train.EpochMetrics;
import io.jgrad.train.StepProgress;
import io.jgrad.train.TrainListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch with the running loss and samples/s, or a plain line every tenth of an epoch where no
 * terminal would draw a bar; then a one-line epoch summary. {@code trainer.listener(ProgressListener.onConsole())} is
 * the usual choice.
 */
public final class ProgressListener implements TrainListener {
  /** The bar redraws about once a second; its loss is read no more often than this (0.5 s). */
  static final long REFRESH_NANOS = 500_000_000L;

  private final boolean bar;
  private final PrintStream out;
  private final PrintStream err;
  private ProgressBar progress;
  private int steps;
  private int epochs;
  private long start;
  private long examples;
  /** When the bar's loss was last read. */
  private long shown;

  private ProgressListener(boolean bar, PrintStream out, PrintStream err) {
    this.bar = bar;
    this.out = out;
    this.err = err;
  }

  /** A bar on stderr when the JVM has a terminal, plain lines otherwise; epoch summaries on stdout. */
  public static ProgressListener onConsole() {
    return System.console() != null ? bar(System.out, System.err) : lines(System.out, System.err);
  }

  /** A progress bar per epoch on {@code progress}, an epoch summary line on {@code summaries}. */
  public static ProgressListener bar(PrintStream summaries, PrintStream progress) {
    return new ProgressListener(true, summaries, progress);
  }

  /** A plain line every tenth of an epoch on {@code progress} (logs, pipes), an epoch summary on {@code summaries}. */
  public static ProgressListener lines(PrintStream summaries, PrintStream progress) {
    return new ProgressListener(false, summaries, progress);
  }

  @Override
  public void epochStarted(int epoch, int epochs, int steps) {
    this.steps = steps;
    this.epochs = epochs;
    start = System.nanoTime();
    examples = 0;
    shown = start;
    if (bar) {
      progress = new ProgressBarBuilder()
          .setTaskName("epoch " + epoch + "/" + epochs)
          .setInitialMax(steps)
          .setStyle(ProgressBarStyle.ASCII)
          .setConsumer(new ConsoleProgressBarConsumer(err))
          .build();
    }
  }

  /**
   * Moves the bar every step; the loss (a read-back, on a GPU a wait for the device) is read only when shown: on the
   * bar at most once per {@link #REFRESH_NANOS}, as a line every tenth of an epoch.
   */
  @Override
  public void stepFinished(int epoch, int step, StepProgress stepProgress) {
    examples += stepProgress.examples();
    boolean last = step + 1 == steps;
    if (progress != null) {
      progress.stepTo(step + 1);
      long now = System.nanoTime();
      if (last || now - shown >= REFRESH_NANOS) {
        shown = now;
        progress.setExtraMessage(extra(stepProgress.meanLoss()));
      }
    } else if ((step + 1) % Math.max(1, steps / 10) == 0 || last) {
      err.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  %s%n", epoch, epochs, step + 1, steps,
          extra(stepProgress.meanLoss()));
    }
  }

  /** The running loss and rate of this epoch. */
  private String extra(double meanLoss) {
    double rate = examples / ((System.nanoTime() - start) / 1e9);
    return String.format(Locale.ROOT, "loss %.4f, %,.0f samples/s", meanLoss, rate);
  }

  @Override
  public void epochFinished(EpochMetrics m) {
    if (progress != null) {
      progress.close();
      progress = null;
    }
    // A regression model's epochs have losses only (its accuracies are NaN).
    String validation = Double.isNaN(m.validationLoss()) ? ""
        : String.format(Locale.ROOT, "  val_loss %.4f", m.validationLoss()) + accuracy("val", m.validationAccuracy())
            + measured("val_macro_f1", m.validationMacroF1()) + measured("val_roc_auc", m.validationRocAuc());
    out.printf(Locale.ROOT, "epoch %d/%d  train_loss %.4f%s  test_loss %.4f%s  lr %.2e  %,.0f samples/s  %.1f s%n",
        m.epoch(), epochs, m.trainLoss(), validation, m.testLoss(), accuracy("test", m.testAccuracy()), m.lr(),
        m.samplesPerSec(), m.seconds());
  }

  private static String accuracy(String part, double value) {
    return measured(part + "_accuracy", value);
  }

  /** "  name value", or nothing for a figure the run did not measure (NaN). */
  private static String measured(String name, double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "  %s %.4f", name, value);
  }
}
