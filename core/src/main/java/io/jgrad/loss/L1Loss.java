package io.jgrad.loss;

import io.jgrad.Autocast;
import io.jgrad.Tensor;

/**
 * Mean (or summed) absolute error, Σ|output − target| / n over every element, as PyTorch's L1Loss: the median's loss,
 * which a few wrong targets pull no more than their count. Its gradient at an exact fit is 0, as PyTorch's.
 */
public record L1Loss(Reduction reduction) implements Loss {

  public L1Loss() {
    this(Reduction.MEAN);
  }

  @Override
  public Tensor apply(Tensor output, Tensor target) {
    output = Autocast.widen(output); // losses stay float32 under autocast
    Losses.checkSameShape("l1", output, target);
    return reduction.reduce(output.sub(target).abs());
  }
}
