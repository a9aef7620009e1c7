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
    this(params, defaults(lr));
  }

  /** The weight decay is the options' (0 unless set: start from {@link #defaults} for AdamW's 0.01). */
  public AdamW(Map<String, Parameter> params, AdamOptions options) {
    super(params, options, true);
  }

  /** AdamW's defaults at this learning rate: β = (0.9, 0.999), eps 1e-8, weight decay 0.01. */
  public static AdamOptions defaults(double lr) {
    return AdamOptions.learningRate(lr).withWeightDecay(DEFAULT_WEIGHT_DECAY);
  }
}
