package io.jgrad.nn;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;

/**
 * Layer normalisation over the last axis of x [..., F], as PyTorch's LayerNorm(F): each sample is normalised by its
 * own mean and biased variance, y = (x − mean) / √(var + eps) · weight + bias. Same in training and evaluation; no
 * running statistics. A composite of tensor ops, so its backward comes from theirs.
 */
public final class LayerNorm extends Module {
  public static final double EPS = 1e-5;

  private final int features;
  private final Parameter weight;
  private final Parameter bias;

  public LayerNorm(Backend backend, DType dtype, int features) {
    if (features <= 0) {
      throw new IllegalArgumentException("LayerNorm: features must be > 0, got " + features);
    }
    this.features = features;
    try (Scope ignored = Scope.detached()) {
      weight = registerParameter("weight", Tensor.full(backend, dtype, Shape.of(features), 1));
      bias = registerParameter("bias", Tensor.zeros(backend, dtype, Shape.of(features)));
    }
  }

  @Override
  protected String settings() {
    return "(" + features + ",), eps=" + EPS;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() < 1 || x.dim(-1) != features) {
      throw new IllegalArgumentException(
          "LayerNorm(" + features + "): input's last axis must be " + features + ", got " + x.shape());
    }
    x = Autocast.widen(x); // norms stay float32 under autocast
    Tensor centred = x.sub(x.mean(-1, true));
    Tensor var = centred.mul(centred).mean(-1, true);
    return centred.div(var.add(EPS).sqrt()).mul(weight.value()).add(bias.value());
  }
}
