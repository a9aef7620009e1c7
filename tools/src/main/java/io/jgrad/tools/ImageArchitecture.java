package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.nn.Sequential;

/**
 * A convolutional network of images [C, H, W] ({@link CnnSpec}, {@link ResNetSpec}): a {@link Sequential}, whose
 * sizes are known before it is built, so that {@code train} can refuse a run that would not fit.
 */
public sealed interface ImageArchitecture extends Architecture permits CnnSpec, ResNetSpec {
  @Override
  default Sequential build(Backend backend, Generator init, Generator dropout) {
    return build(backend, Initializer.torchDefault(), init, dropout);
  }

  @Override
  Sequential build(Backend backend, Initializer weights, Generator init, Generator dropout);

  /** Trainable elements of what {@link #build} makes. */
  long parameterCount();

  /** Floats one example's forward pass keeps: the input and every layer's output (backward adds as many). */
  long activationFloatsPerSample();
}
