/**
 * jgrad's public core: {@link io.jgrad.Shape}, {@link io.jgrad.DType} and the kernel boundary
 * {@link io.jgrad.Backend} with its vocabularies ({@link io.jgrad.UnaryOp}, {@link io.jgrad.BinaryOp}, {@link
 * io.jgrad.ReduceOp}). Backends are found by {@link io.jgrad.Backends} through {@link io.jgrad.BackendProvider}.
 */
package io.jgrad;
