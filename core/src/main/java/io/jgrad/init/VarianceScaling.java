package io.jgrad.init;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;

/**
 * The one idea behind He, Xavier and LeCun: draw weights with variance {@code scale / fan}, so activations keep their
 * variance from layer to layer. NORMAL draws N(0, scale/fan) (untruncated, as PyTorch's *_normal_ initialisers);
 * UNIFORM draws U(−a, a) with a = √(3·scale/fan), the uniform distribution of the same variance.
 *
 * @param scale 2 for He (ReLU halves the variance), 1 for Xavier and LeCun
 * @param fan which width divides: fanIn, or (fanIn + fanOut)/2 for Xavier
 */
public record VarianceScaling(double scale, Fan fan, Distribution distribution) implements Initializer {

  /** Which layer width the variance is divided by. */
  public enum Fan {
    IN,
    AVERAGE
  }

  public VarianceScaling {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("variance scale must be > 0, got " + scale);
    }
  }

  @Override
  public Tensor create(Backend backend, DType dtype, Shape shape, int fanIn, int fanOut, Generator gen) {
    if (fanIn <= 0 || fanOut <= 0) {
      throw new IllegalArgumentException("fan-in and fan-out must be > 0, got " + fanIn + " and " + fanOut);
    }
    double width = fan == Fan.IN ? fanIn : (fanIn + fanOut) / 2.0;
    double std = Math.sqrt(scale / width);
    return distribution == Distribution.NORMAL
        ? Tensor.randn(backend, dtype, shape, gen, 0, std)
        : Tensor.rand(backend, dtype, shape, gen, -Math.sqrt(3) * std, Math.sqrt(3) * std);
  }
}
