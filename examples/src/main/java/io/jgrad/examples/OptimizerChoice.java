package io.jgrad.examples;

import io.jgrad.nn.Parameter;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamOptions;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.OneCycleLR;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.optim.WarmupCosineLR;
import java.util.Map;

/**
 * The optimizers and learning-rate schedules the command line names ({@code --optimizer}, {@code --schedule}), built
 * one way for {@code jgrad train} and {@code jgrad bench train}, so the benchmark times the recipe that training runs.
 *
 * @param name the optimizer
 * @param lr peak learning rate, or null for the optimizer's default (0.05 for sgd, 0.001 for adam/adamw)
 * @param momentum SGD's momentum
 * @param weightDecay or null for the default (0.01 for adamw, 0 otherwise)
 * @param schedule the learning-rate schedule
 */
public record OptimizerChoice(Kind name, Double lr, double momentum, Double weightDecay, Schedule schedule) {

  /** {@code --optimizer}: SGD (with momentum), Adam, or AdamW (decoupled weight decay). */
  public enum Kind {
    SGD, ADAM, ADAMW
  }

  /**
   * {@code --schedule}: cosine (linear warmup over the first 1/20 of the steps, then down to lr/100), one-cycle, a
   * constant rate, a rate lowered on a plateau of the validation metrics ({@link
   * io.jgrad.train.ReduceLrOnPlateau}, which the trainer runs after each epoch: no step-count schedule), or a rate
   * multiplied by a factor every few epochs ({@link io.jgrad.optim.StepLR}, which {@code train} sets: it knows the
   * epochs' steps).
   */
  public enum Schedule {
    COSINE, ONECYCLE, CONSTANT, PLATEAU, STEP
  }

  /** The peak learning rate: the one given, or the optimizer's default. */
  public double peakLr() {
    return lr != null ? lr : name == Kind.SGD ? 0.05 : 1e-3;
  }

  /** The weight decay: the one given, or the optimizer's default. */
  public double resolvedWeightDecay() {
    return weightDecay != null ? weightDecay : name == Kind.ADAMW ? AdamW.DEFAULT_WEIGHT_DECAY : 0;
  }

  /** The optimizer over {@code params} with its schedule set for a run of {@code totalSteps} steps. */
  public Optimizer build(Map<String, Parameter> params, long totalSteps) {
    double peak = peakLr();
    double decay = resolvedWeightDecay();
    Optimizer opt = switch (name) {
      case SGD -> new SGD(params, SgdOptions.learningRate(peak).withMomentum(momentum).withWeightDecay(decay));
      case ADAM -> new Adam(params, AdamOptions.learningRate(peak).withWeightDecay(decay));
      case ADAMW -> new AdamW(params, AdamOptions.learningRate(peak).withWeightDecay(decay));
    };
    switch (schedule) {
      // A run of one step (one batch, one epoch) is legal: no warmup then, and one-cycle's shortest cycle.
      case COSINE -> opt.setSchedule(
          new WarmupCosineLR(peak, Math.min(Math.max(1, totalSteps / 20), totalSteps - 1), totalSteps, peak / 100));
      case ONECYCLE -> opt.setSchedule(new OneCycleLR(peak, Math.max(2, totalSteps)));
      case CONSTANT, PLATEAU, STEP -> {}
    }
    return opt;
  }
}
