/**
 * One small class per op (or op family), forward and backward side by side.
 *
 * <h2>The gradient convention</h2>
 *
 * An op's static {@code apply} computes the output with backend kernels and, only when {@link
 * io.jgrad.autograd.Function#isRecording} says so, creates its {@link io.jgrad.autograd.Function}, saves exactly what
 * backward needs (saying why) and connects the output. {@code backward(gradOut)} returns one gradient per input, with
 * the input's shape and dtype, or null where the input needs none ({@code needsGrad(i)} is false); it may return
 * {@code gradOut} itself and must not modify it. Backward runs under {@link io.jgrad.autograd.NoGrad}, so it may use
 * tensor ops. The executor sums gradients where a value fans out and accumulates leaves' {@code .grad}.
 *
 * <p>Binary ops broadcast with NumPy's rules; their backward sums the gradient over the broadcast dimensions ({@link
 * io.jgrad.ops.Broadcast#sumTo}). Composite ops (softmax, log-softmax, MSE) are built from primitives and have no
 * backward of their own; the fused primitives ({@link io.jgrad.ops.SoftmaxCrossEntropy}, {@link
 * io.jgrad.ops.BiasActivation}) exist because the MLP spends its non-GEMM time there.
 */
package io.jgrad.ops;
