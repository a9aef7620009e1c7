/**
 * jgrad's public core: {@link io.jgrad.Tensor} and its math, {@link io.jgrad.Shape}, {@link io.jgrad.DType}, {@link
 * io.jgrad.Scope}, {@link io.jgrad.Generator}; autograd's scopes ({@link io.jgrad.NoGrad}, {@link io.jgrad.Autocast},
 * {@link io.jgrad.Checkpoint}) and {@link io.jgrad.Function} for custom ops; {@link io.jgrad.Functional} for the ops
 * that are not tensor methods; and the backend a tensor lives on: {@link io.jgrad.Backends} finds one by name,
 * {@link io.jgrad.BackendOptions} configures it, and a {@link io.jgrad.Backend} reports its memory. The kernel methods
 * of {@code Backend} and the types they take ({@link io.jgrad.spi}) are for backend authors.
 *
 * <p>The package-private classes are the implementation of Tensor's math: one small class per op (or op family),
 * forward and backward side by side, and the executor ({@code Backward}). They live beside Tensor so that Tensor,
 * its ops and autograd form no package cycle and none of them needs a public method only the others may call.
 *
 * <h2>The gradient convention</h2>
 *
 * An op's static {@code apply} computes the output with backend kernels and, only when {@link
 * io.jgrad.Function#isRecording} says so, creates its {@link io.jgrad.Function}, saves exactly what backward needs
 * (saying why) and connects the output. {@code backward(gradOut)} returns one gradient per input, with the input's
 * shape and dtype, or null where the input needs none ({@code needsGrad(i)} is false); it may return {@code gradOut}
 * itself and must not modify it. Backward runs under {@link io.jgrad.NoGrad}, so it may use tensor ops. The executor
 * sums gradients where a value fans out and accumulates leaves' {@code .grad}.
 *
 * <p>Binary ops broadcast with NumPy's rules; their backward sums the gradient over the broadcast dimensions
 * ({@code Broadcast.sumTo}). Composite ops (softmax, log-softmax, MSE) are built from primitives and have no backward
 * of their own; the fused primitives ({@code SoftmaxCrossEntropy}, {@code BiasActivation}) exist because the MLP
 * spends its non-GEMM time there.
 */
package io.jgrad;
