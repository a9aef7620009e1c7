/**
 * jgrad's public core: {@link io.jgrad.Tensor}, {@link io.jgrad.Shape}, {@link io.jgrad.DType}, {@link
 * io.jgrad.Scope}, {@link io.jgrad.Generator}, and the backend a tensor lives on: {@link io.jgrad.Backends} finds one
 * by name, {@link io.jgrad.BackendOptions} configures it, and a {@link io.jgrad.Backend} reports its memory. The
 * kernel methods of {@code Backend} and the types they take ({@link io.jgrad.spi}) are for backend authors.
 */
package io.jgrad;
