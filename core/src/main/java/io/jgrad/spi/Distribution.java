package io.jgrad.spi;

import io.jgrad.Backend;

/** Distributions of {@link Backend#random}: UNIFORM on [a, b), NORMAL with mean a and standard deviation b. */
public enum Distribution {
  UNIFORM,
  NORMAL
}
