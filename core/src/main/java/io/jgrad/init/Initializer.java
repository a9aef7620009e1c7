package io.jgrad.init;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.spi.Distribution;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;

/**
 * Makes the initial value of a parameter. {@code fanIn} and {@code fanOut} are the layer's input and output widths
 * (for a Linear of [out, in]: in and out), which the variance-scaling schemes divide by.
 */
@FunctionalInterface
public interface Initializer {

  /** A new tensor of {@code shape}, created in the current scope (callers that keep it open a detached one). */
  Tensor create(Backend backend, DType dtype, Shape shape, int fanIn, int fanOut, Generator gen);

  /** He/Kaiming normal: N(0, 2/fanIn), for ReLU-family layers (PyTorch's kaiming_normal_). */
  static Initializer heNormal() {
    return new VarianceScaling(2, VarianceScaling.Fan.IN, Distribution.NORMAL);
  }

  /** He/Kaiming uniform: U(±√(6/fanIn)), variance 2/fanIn. */
  static Initializer heUniform() {
    return new VarianceScaling(2, VarianceScaling.Fan.IN, Distribution.UNIFORM);
  }

  /**
   * PyTorch's default for nn.Linear and nn.Conv2d weights, kaiming_uniform_(a=√5): U(±1/√fanIn), variance
   * 1/(3·fanIn), a third of He's. With Adam-style optimizers, whose steps have a fixed size whatever the weight's
   * scale, smaller weights learn faster relative to their size; before a batch norm only that relative speed matters.
   */
  static Initializer torchDefault() {
    return new VarianceScaling(1.0 / 3, VarianceScaling.Fan.IN, Distribution.UNIFORM);
  }

  /** Xavier/Glorot normal: N(0, 2/(fanIn + fanOut)), for tanh and sigmoid layers. */
  static Initializer xavierNormal() {
    return new VarianceScaling(1, VarianceScaling.Fan.AVERAGE, Distribution.NORMAL);
  }

  /** Xavier/Glorot uniform: U(±√(6/(fanIn + fanOut))). */
  static Initializer xavierUniform() {
    return new VarianceScaling(1, VarianceScaling.Fan.AVERAGE, Distribution.UNIFORM);
  }

  /** LeCun normal: N(0, 1/fanIn), for SELU-style and linear layers. */
  static Initializer lecunNormal() {
    return new VarianceScaling(1, VarianceScaling.Fan.IN, Distribution.NORMAL);
  }

  /** LeCun uniform: U(±√(3/fanIn)). */
  static Initializer lecunUniform() {
    return new VarianceScaling(1, VarianceScaling.Fan.IN, Distribution.UNIFORM);
  }

  static Initializer zeros() {
    return new Constant(0);
  }

  static Initializer constant(double value) {
    return new Constant(value);
  }
}
