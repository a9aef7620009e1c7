package io.jgrad.optim;

import io.jgrad.nn.Parameter;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), as PyTorch's AdamW: p −= lr·wd·p before the Adam update,
 * so every weight decays at the same rate whatever its gradient history. The default recipe's optimizer.
 */
public final class AdamW extends Adam {
  /** PyTorch's default decay. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;

  /** β = (0.9, 0.999), eps 1e-8, weight decay 0.01. */
  public AdamW(Map<String, Parameter> params, double lr) {
    this(params, lr, BETA1, BETA2, EPS, DEFAULT_WEIGHT_DECAY);
  }

  public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(params, lr, beta1, beta2, eps, weightDecay, true);
  }
}
