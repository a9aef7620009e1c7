package io.jgrad.loss;

import io.jgrad.Tensor;
import java.util.Collection;

/**
 * λ·Σ‖W‖², the L2 (ridge) penalty added to a loss: its gradient 2λW pulls weights towards zero. Usually given only
 * the weight matrices, not biases. With SGD it equals weight decay of 2λ; with Adam it is not the same as AdamW's
 * decoupled decay (which is why AdamW exists).
 */
public final class L2Penalty {
  private L2Penalty() {}

  public static Tensor of(double lambda, Collection<Tensor> weights) {
    if (!(lambda >= 0)) {
      throw new IllegalArgumentException("L2 penalty: lambda must be >= 0, got " + lambda);
    }
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("L2 penalty: no weights given");
    }
    Tensor total = null;
    for (Tensor w : weights) {
      Tensor squares = w.mul(w).sum();
      total = total == null ? squares : total.add(squares);
    }
    return total.mul(lambda);
  }
}
