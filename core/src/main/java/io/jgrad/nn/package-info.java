/**
 * Network building blocks, as in PyTorch's torch.nn: {@link io.jgrad.nn.Module} and {@link io.jgrad.nn.Parameter};
 * {@link io.jgrad.nn.Linear} (weights [out, in]); the activations ({@link io.jgrad.nn.ReLU}, {@link
 * io.jgrad.nn.LeakyReLU}, {@link io.jgrad.nn.ELU}, {@link io.jgrad.nn.GELU}, {@link io.jgrad.nn.Tanh}, {@link
 * io.jgrad.nn.Sigmoid}); {@link io.jgrad.nn.Dropout}; {@link io.jgrad.nn.BatchNorm1d} and {@link
 * io.jgrad.nn.LayerNorm}; the containers {@link io.jgrad.nn.Sequential} (which fuses Linear + activation into one
 * kernel) and {@link io.jgrad.nn.Residual}; {@link io.jgrad.nn.BasicBlock}, a ResNet's residual block; {@link
 * io.jgrad.nn.Flatten}.
 *
 * <p>Modules take their backend and dtype when built; parameters and buffers are created outside every scope and live
 * until {@link io.jgrad.nn.Module#close()}. A forward's intermediates belong to the caller's scope.
 *
 * <pre>{@code
 * Generator gen = new Generator(42);
 * Sequential mlp = new Sequential(
 *     new Linear(backend, 784, 256, gen), new ReLU(), new Dropout(0.2, gen), new Linear(backend, 256, 10, gen));
 * }</pre>
 */
package io.jgrad.nn;
