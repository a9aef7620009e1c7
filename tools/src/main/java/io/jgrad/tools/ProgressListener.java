package io.jgrad.tools;

import io.jgrad.train.EpochMetrics;
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
  private final boolean bar;
  private final PrintStream out;
  private final PrintStream err;
  private ProgressBar progress;
  private int steps;
  private int epochs;
  private long start;
  private long examples;
  private double lossSum;

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
    // Formatted only when shown: String.format costs microseconds, and most steps show nothing.
    if (progress != null) {
      progress.stepTo(step + 1);
      progress.setExtraMessage(extra());
    } else if ((step + 1) % Math.max(1, steps / 10) == 0 || step + 1 == steps) {
      err.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  %s%n", epoch, epochs, step + 1, steps, extra());
    }
  }

  /** The running loss and rate of this epoch. */
  private String extra() {
    double rate = examples / ((System.nanoTime() - start) / 1e9);
    return String.format(Locale.ROOT, "loss %.4f, %,.0f samples/s", lossSum / examples, rate);
  }


  @Override
  public void epochFinished(EpochMetrics m) {
    if (progress != null) {
      progress.close();
      progress = null;
    }
    String validation = Double.isNaN(m.validationLoss()) ? ""
        : String.format(Locale.ROOT, "  val_loss %.4f  val_accuracy %.4f", m.validationLoss(), m.validationAccuracy());
    out.printf(Locale.ROOT, "epoch %d/%d  train_loss %.4f%s  test_loss %.4f  test_accuracy %.4f  lr %.2e  %,.0f "
        + "samples/s  %.1f s%n", m.epoch(), epochs, m.trainLoss(), validation, m.testLoss(), m.testAccuracy(), m.lr(),
        m.samplesPerSec(), m.seconds());
  }
}
