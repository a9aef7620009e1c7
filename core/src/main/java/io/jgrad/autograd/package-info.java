/**
 * Reverse-mode automatic differentiation: {@link io.jgrad.autograd.Function} (a graph node), {@link
 * io.jgrad.autograd.Backward} (the executor), {@link io.jgrad.autograd.NoGrad} (grad mode), {@link
 * io.jgrad.autograd.ActivationMemory} (the bytes held for backward) and {@link io.jgrad.autograd.Checkpoint}.
 */
package io.jgrad.autograd;
