package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import io.jgrad.train.Precision;
import io.jgrad.train.StepProgress;
import io.jgrad.train.TrainListener;
import io.jgrad.train.Trainer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Training steps of a throwaway copy of the run's network on synthetic data, on a thread of their own, while the data
 * set loads: the JIT compiles the kernels while the main thread reads and standardises the data (on one core), rather
 * than during epoch 1. The steps stop when the data is ready ({@link #join}) or after a given number, so the run waits
 * at most for the step in progress (about 0.25 s when that is the first, mostly interpreted step). On the 2-core
 * development machine epoch 1 of the default recipe ran at about half the rate of the later ones, nearly all of it lost
 * in its first 50 steps, which ran the Vector API kernels in interpreted and C1 code while C2 caught up. The run's own
 * model, generators, optimizer and data are not touched, so its results are the same with or without the warm-up; the
 * steps run before the run's first one (see {@link #join}), as they share the backend's kernel threads.
 */
final class JitWarmUp implements AutoCloseable {
  private static final Logger log = System.getLogger(JitWarmUp.class.getName());
  /**
   * Distinct synthetic batches, taken epoch after epoch: what the JIT sees is the same, and 50 steps' worth of
   * examples was 20 MB for Fashion-MNIST's shape and 79 MB for CIFAR-10's, beside the data set being loaded.
   */
  private static final int SYNTHETIC_BATCHES = 4;

  /** What the warm-up trains: the run's network, optimizer, loss and batches, in shape. */
  record Recipe(
      Supplier<Module> network, Function<Module, Optimizer> optimizer, Loss loss, Precision precision, int batch,
      int[] exampleShape, int classes, DataLoader.Layout layout) {}

  private final Thread thread;
  /** Set by {@link #join}: the run's data is loaded, the warm-up ends after its current step. */
  private volatile boolean dataReady;

  /** Ends the warm-up's fit after a step, when the data is ready or the steps are done; never seen outside. */
  private static final class Over extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Over() {
      super("the warm-up is over", null, false, false);
    }
  }

  private JitWarmUp() {
    this.thread = null;
  }

  private JitWarmUp(Backend backend, Recipe recipe, int steps) {
    this.thread = new Thread(() -> {
      try {
        run(backend, recipe, steps);
      } catch (Over e) {
        // the run's turn
      } catch (RuntimeException | OutOfMemoryError e) {
        log.log(Level.DEBUG, "the JIT warm-up failed; the run goes on without it", e);
      }
    }, "jgrad-warm-up");
    thread.setDaemon(true); // never keeps the JVM alive
  }

  /** No warm-up: {@link #join} returns at once. */
  static JitWarmUp none() {
    return new JitWarmUp();
  }

  /** Starts at most {@code steps} steps of {@code recipe} on {@code backend}, on a daemon thread. */
  static JitWarmUp start(Backend backend, Recipe recipe, int steps) {
    JitWarmUp warmUp = new JitWarmUp(backend, recipe, steps);
    warmUp.thread.start();
    return warmUp;
  }

  private void run(Backend backend, Recipe recipe, int steps) {
    Module model = recipe.network().get();
    int batches = Math.min(steps, SYNTHETIC_BATCHES);
    try (DataLoader train = DataLoader.builder(synthetic(batches * recipe.batch(), recipe)).batchSize(recipe.batch())
            .shuffle(true).layout(recipe.layout()).build(backend);
        Optimizer opt = recipe.optimizer().apply(model)) {
      Trainer trainer = new Trainer(model, opt, recipe.loss()).precision(recipe.precision());
      trainer.listener(new TrainListener() {
        private int done;

        @Override
        public void stepFinished(int epoch, int step, StepProgress progress) {
          done++;
          if (dataReady) {
            log.log(Level.DEBUG, () -> "JIT warm-up: " + done + " steps while the data loaded");
          }
          if (dataReady || done == steps) {
            throw new Over();
          }
        }
      });
      trainer.fit(train, null, (steps + batches - 1) / batches);
    } finally {
      model.close();
    }
  }

  /** n examples of values in [−1, 1) and labels 0, 1, …: a fixed pattern, no generator drawn from. */
  private static LabeledData synthetic(int n, Recipe recipe) {
    int features = 1;
    for (int d : recipe.exampleShape()) {
      features *= d;
    }
    float[] x = new float[n * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((i * 2654435761L) % 1000) / 500f - 1;
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % recipe.classes();
    }
    return new LabeledData(x, labels, features, recipe.classes(), recipe.exampleShape());
  }

  /**
   * Ends the warm-up after its current step and waits for it. A warm-up that failed changes nothing (it is logged at
   * DEBUG): the run goes on and reports its own errors in its own words.
   */
  void join() {
    dataReady = true;
    if (thread == null) {
      return;
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the JIT warm-up ran", e);
    }
  }

  /** Ends and joins the warm-up, so that the backend does not close under its last step. */
  @Override
  public void close() {
    join();
  }
}
