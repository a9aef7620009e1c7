/**
 * Weight initialisation, seeded by a {@link io.jgrad.Generator} so the same seed gives the same weights on every
 * backend: He (Kaiming), Xavier (Glorot) and LeCun, each normal and uniform ({@link io.jgrad.init.VarianceScaling}),
 * plus zeros and constants ({@link io.jgrad.init.Constant}). {@link io.jgrad.init.Initializer} names them all.
 */
package io.jgrad.init;
