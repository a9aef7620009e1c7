package io.jgrad.nn;

import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import java.util.List;

/**
 * Modules applied in order, named "0", "1", … as PyTorch's nn.Sequential, so a stack's parameters are "0.weight",
 * "2.bias" in both.
 *
 * <p>A {@link Linear} directly followed by an {@link Activation} runs as one layer whose bias and activation share a
 * fused kernel ({@link Linear#forward(Tensor, UnaryOp, double)}) — the speed edge of an MLP, as it saves a
 * pass over the activations and a saved tensor. The result is the one the modules give one by one: bit-identical in
 * float64; in float32 the fused kernel may skip rounding x·Wᵀ + b before a smooth activation (tanh, sigmoid, ELU), a
 * difference in the last bit. A {@link Dropout} after the pair (or after the Linear alone) joins the same kernel: its
 * mask, drawn as the module draws it, multiplies the activations as they are written, and the backward applies it in
 * the activation's backward pass (bit-identical to the modules one by one for IDENTITY, RELU and LEAKY_RELU in float32
 * and float64; in 16 bits the masked activation is rounded once, where the modules round it before the product too).
 *
 * <p>A {@link BatchNorm2d} directly followed by a {@link MaxPool2d} runs as one op ({@link
 * io.jgrad.Functional#batchNormMaxPool2d}), which never holds the normalised activations: the same outputs and
 * indices as the two modules, and gradients equal up to the order of the batch-norm sums. One followed by a {@link
 * ReLU} runs as {@link io.jgrad.Functional#batchNormRelu}: the same values, normalised and rectified in one pass.
 */
public final class Sequential extends Module {
  private final List<Module> layers;

  public Sequential(Module... modules) {
    layers = List.of(modules);
    for (int i = 0; i < modules.length; i++) {
      registerModule(Integer.toString(i), modules[i]);
    }
  }

  public int size() {
    return layers.size();
  }

  public Module get(int index) {
    return layers.get(index);
  }

  /** This stack run in {@code k} gradient-checkpointed segments (see {@link CheckpointedSequential}). */
  public CheckpointedSequential checkpointed(int k) {
    return new CheckpointedSequential(this, k);
  }

  /** Checkpointed in √n segments, which minimises k + n/k, the activations kept. */
  public CheckpointedSequential checkpointed() {
    return checkpointed(Math.max(1, (int) Math.round(Math.sqrt(size()))));
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor h = x;
    int n = layers.size();
    for (int i = 0; i < n; i++) {
      Module m = layers.get(i);
      if (m instanceof BatchNorm2d norm && i + 1 < n && layers.get(i + 1) instanceof MaxPool2d pool) {
        h = norm.forward(h, pool.window());
        i++;
        continue;
      }
      if (m instanceof BatchNorm2d norm && i + 1 < n && layers.get(i + 1) instanceof ReLU) {
        h = norm.forwardRelu(h, null);
        i++;
        continue;
      }
      if (!(m instanceof Linear linear)) {
        h = m.forward(h);
        continue;
      }
      // The activation and dropout after a Linear run inside its epilogue: i moves past them.
      UnaryOp op = UnaryOp.IDENTITY;
      double alpha = 0;
      if (i + 1 < n && layers.get(i + 1) instanceof Activation act) {
        op = act.op();
        alpha = act.alpha();
        i++;
      }
      Dropout dropout = null;
      if (i + 1 < n && layers.get(i + 1) instanceof Dropout d) {
        dropout = d;
        i++;
      }
      h = linear.forward(h, op, alpha, dropout);
    }
    return h;
  }

  /** Whether forward runs {@code first} and {@code second}, adjacent in that order, as one fused op. */
  static boolean fuses(Module first, Module second) {
    return first instanceof Linear && second instanceof Activation
        || first instanceof BatchNorm2d && (second instanceof MaxPool2d || second instanceof ReLU);
  }
}
