package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;

/** Mean (or summed) squared error, Σ(output − target)² / n over every element, as PyTorch's MSELoss. */
public record MseLoss(Reduction reduction) implements Loss {

  public MseLoss() {
    this(Reduction.MEAN);
  }

  @Override
  public Tensor apply(Tensor output, Tensor target) {
    output = Autocast.widen(output); // losses stay float32 under autocast
    Losses.checkSameShape("mse", output, target);
    Tensor diff = output.sub(target);
    return reduction.reduce(diff.mul(diff));
  }
}
