/**
 * Optimisers and what surrounds the step: {@link io.jgrad.optim.SGD} (momentum, Nesterov, weight decay), {@link
 * io.jgrad.optim.Adam} and {@link io.jgrad.optim.AdamW}, each one fused backend kernel per parameter with PyTorch's
 * update rules; learning-rate schedules ({@link io.jgrad.optim.LrSchedule}: {@link io.jgrad.optim.StepLR}, {@link
 * io.jgrad.optim.ExponentialLR}, {@link io.jgrad.optim.WarmupCosineLR}, {@link io.jgrad.optim.OneCycleLR}); gradient
 * clipping ({@link io.jgrad.optim.GradClip}); gradient accumulation ({@link io.jgrad.optim.GradientAccumulation}).
 *
 * <p>One training step, in order:
 *
 * <pre>{@code
 * optimizer.setSchedule(new OneCycleLR(3e-3, epochs * batchesPerEpoch));
 * try (Scope s = Scope.open()) {
 *   Tensor loss = lossFn.apply(model.forward(x), y);
 *   optimizer.zeroGrad();
 *   loss.backward();
 *   GradClip.byNorm(model.parameters(), 1.0);
 *   optimizer.step();
 * }
 * }</pre>
 */
package io.jgrad.optim;
