package io.jgrad.nn;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Generator;
import io.jgrad.Tensor;

/**
 * Inverted dropout: in training, each element is zeroed with probability p and the survivors are scaled by 1/(1 − p),
 * so evaluation (where this is the identity) needs no rescaling. The mask comes from the counter-based generator:
 * the same seed and offset give the same mask on every backend, and a checkpoint that saves the generator's offset
 * replays it.
 */
public final class Dropout extends Module {
  private final double p;
  private final Generator gen;

  /** @param p the drop probability, in [0, 1) */
  public Dropout(double p, Generator gen) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
    }
    this.p = p;
    this.gen = gen;
  }

  public double p() {
    return p;
  }

  @Override
  protected String settings() {
    return "p=" + p;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor mask = mask(x);
    if (mask == null) {
      return x;
    }
    try (mask) {
      return x.mul(mask);
    }
  }

  /**
   * The mask this layer multiplies x by (0, or the keep scale 1/(1 − p), per element; x's shape and dtype), drawn from
   * the generator as {@link #forward} draws it; null where this layer is the identity (evaluation, or p = 0).
   * {@link Sequential} hands it to the layer before, which applies it in its own kernel.
   */
  Tensor mask(Tensor x) {
    if (!isTraining() || p == 0) {
      return null;
    }
    Tensor mask = Tensor.empty(x.backend(), x.dtype(), x.shape());
    try {
      x.backend().dropoutMask(p, gen.seed(), gen.advance(x.shape().size()), buffer(mask)); // u ≥ p ? 1/(1 − p) : 0
    } catch (RuntimeException e) {
      mask.close();
      throw e;
    }
    return mask;
  }
}
