package io.jgrad.nn;

import io.jgrad.Autocast;
import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Functional;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.Transposed;
import io.jgrad.UnaryOp;
import io.jgrad.init.Initializer;

/**
 * A fully connected layer, y = x·Wᵀ + b for x [B, in].
 *
 * <p>W is stored [out, in] and b [out], as PyTorch's nn.Linear, so state dicts carry over between the two. The
 * transpose is a GEMM flag (forward x·Wᵀ, backward dY·W and dYᵀ·x), never a copy.
 *
 * <p>Defaults: W is He-uniform (U(±√(6/in)), for ReLU-family stacks; pass Xavier for tanh/sigmoid ones); b starts at
 * zero, not PyTorch's U(±1/√in): a zero bias is the usual choice with He init and keeps the first forward centred.
 */
public final class Linear extends Module {
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;

  /** A float32 layer with a bias and He-uniform weights. */
  public Linear(Backend backend, int in, int out, Generator gen) {
    this(backend, DType.FLOAT32, in, out, true, Initializer.heUniform(), gen);
  }

  public Linear(Backend backend, DType dtype, int in, int out, boolean bias, Initializer init, Generator gen) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("Linear: in and out features must be > 0, got " + in + " and " + out);
    }
    this.in = in;
    this.out = out;
    try (Scope ignored = Scope.detached()) {
      weight = registerParameter("weight", init.create(backend, dtype, Shape.of(out, in), in, out, gen));
      this.bias = bias ? registerParameter("bias", Tensor.zeros(backend, dtype, Shape.of(out))) : null;
    }
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  /** [out, in]. */
  public Parameter weight() {
    return weight;
  }

  /** [out], or null for a layer without bias. */
  public Parameter bias() {
    return bias;
  }

  @Override
  protected String settings() {
    return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null);
  }

  /** x [B, in] → [B, out]. */
  @Override
  public Tensor forward(Tensor x) {
    return forward(x, UnaryOp.IDENTITY, 0);
  }

  /**
   * act(x·Wᵀ + b): bias and activation in one fused kernel after the GEMM, the MLP's fast path. {@code act} is any
   * activation op or IDENTITY.
   */
  public Tensor forward(Tensor x, UnaryOp act, double alpha) {
    return forward(x, act, alpha, null);
  }

  /**
   * act(x·Wᵀ + b) followed by {@code dropout} (null: none), its mask applied in the bias+activation kernel where the
   * activation allows ({@link Tensor#biasActivation(Tensor, UnaryOp, double, Tensor)}): one pass over the activations
   * forward and one backward fewer.
   */
  Tensor forward(Tensor x, UnaryOp act, double alpha, Dropout dropout) {
    if (x.rank() != 2 || x.dim(1) != in) {
      throw new IllegalArgumentException("Linear(" + in + ", " + out + "): input must be [batch, " + in + "], got "
          + x.shape());
    }
    // Under autocast the GEMM and its epilogue read the parameters' kept 16-bit copies, not a cast made per step.
    DType low = Autocast.gemmType(x.dtype(), weight.value().dtype());
    Tensor w = low == null ? weight.value() : weight.valueIn(low);
    Tensor b = bias == null ? null : low == null ? bias.value() : bias.valueIn(low);
    try {
      if (b != null) {
        try (Tensor xw = x.matmul(w, Transposed.SECOND);
            Tensor mask = dropout == null ? null : dropout.mask(xw)) {
          return mask == null ? xw.biasActivation(b, act, alpha) : xw.biasActivation(b, act, alpha, mask);
        }
      }
      Tensor xw = x.matmul(w, Transposed.SECOND);
      Tensor h = xw;
      if (act != UnaryOp.IDENTITY) {
        try (xw) {
          h = Functional.unary(act, alpha, xw);
        }
      }
      if (dropout == null) {
        return h;
      }
      Tensor out = dropout.forward(h);
      if (out != h) {
        h.close();
      }
      return out;
    } finally {
      if (low != null) { // views of the 16-bit copies, not the parameters
        w.close();
        if (b != null) {
          b.close();
        }
      }
    }
  }
}
