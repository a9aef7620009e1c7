/**
 * For backend authors, as {@code java.nio.channels.spi} is for channel providers: what {@link io.jgrad.Backend}'s
 * kernel methods take and the helpers every backend shares. A backend module implements {@link
 * io.jgrad.spi.BackendProvider} (found with {@code ServiceLoader}) and the kernels over its own {@link
 * io.jgrad.spi.Buffer} subclass, with the vocabulary as enums ({@link
 * io.jgrad.spi.BinaryOp}, {@link io.jgrad.spi.ReduceOp}, and the root's {@link io.jgrad.UnaryOp}, which users name as
 * activations too), the argument records ({@link io.jgrad.spi.GemmArgs},
 * {@link io.jgrad.spi.Conv2dGeometry}, {@link io.jgrad.spi.Pool2dGeometry}), the training step's guard layout
 * ({@link io.jgrad.spi.StepGuard}) and the 16-bit rounding every backend must match ({@link
 * io.jgrad.spi.ReducedFloats}). A user training models needs none of it.
 *
 * <p>This package and {@code io.jgrad} are one layer: {@code Backend} takes these types and they name {@code DType}
 * and {@code Shape}; neither depends on any other package of core (PackageStructureTest).
 */
package io.jgrad.spi;
