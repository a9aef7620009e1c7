package io.jgrad.nn;

import io.jgrad.Backend;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Functional;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;

/**
 * A 2-D convolution layer, x [B, C, H, W] → [B, O, OH, OW], as PyTorch's nn.Conv2d: weight [O, C/groups, KH, KW] and
 * bias [O] under the same names, so state dicts carry over. Defaults as {@link Linear}'s: He-uniform weights over the
 * fan-in C/groups·KH·KW, a zero bias. Build it with {@link #builder}.
 */
public final class Conv2d extends Module {
  private final int in;
  private final int out;
  private final Conv2dOptions options;
  private final Parameter weight;
  private final Parameter bias;

  private Conv2d(Builder b, Generator gen) {
    if (b.in <= 0 || b.out <= 0 || b.kernelH <= 0 || b.kernelW <= 0) {
      throw new IllegalArgumentException("Conv2d: channels " + b.in + " -> " + b.out + " and kernel " + b.kernelH
          + "x" + b.kernelW + " must be positive");
    }
    if (b.options.groups() < 1 || b.in % b.options.groups() != 0 || b.out % b.options.groups() != 0) {
      throw new IllegalArgumentException("Conv2d: " + b.options.groups() + " groups must divide the input ("
          + b.in + ") and output (" + b.out + ") channels");
    }
    this.in = b.in;
    this.out = b.out;
    this.options = b.options;
    int receptive = b.kernelH * b.kernelW;
    Shape shape = Shape.of(b.out, b.in / b.options.groups(), b.kernelH, b.kernelW);
    try (Scope ignored = Scope.detached()) {
      weight = registerParameter("weight", b.init.create(b.backend, b.dtype, shape,
          b.in / b.options.groups() * receptive, b.out / b.options.groups() * receptive, gen));
      this.bias = b.bias ? registerParameter("bias", Tensor.zeros(b.backend, b.dtype, Shape.of(b.out))) : null;
    }
  }

  /** A float32 layer of a square kernel, stride 1, no padding, a bias and He-uniform weights, until changed. */
  public static Builder builder(Backend backend, int in, int out, int kernel) {
    return new Builder(backend, in, out, kernel);
  }

  /** The layer's settings, named as PyTorch's keyword arguments. */
  public static final class Builder {
    private final Backend backend;
    private final int in;
    private final int out;
    private int kernelH;
    private int kernelW;
    private Conv2dOptions options = Conv2dOptions.DEFAULTS;
    private boolean bias = true;
    private DType dtype = DType.FLOAT32;
    private Initializer init = Initializer.heUniform();

    private Builder(Backend backend, int in, int out, int kernel) {
      this.backend = backend;
      this.in = in;
      this.out = out;
      this.kernelH = kernel;
      this.kernelW = kernel;
    }

    public Builder kernel(int height, int width) {
      kernelH = height;
      kernelW = width;
      return this;
    }

    /** Stride, padding, dilation and groups. */
    public Builder options(Conv2dOptions value) {
      options = value;
      return this;
    }

    public Builder bias(boolean value) {
      bias = value;
      return this;
    }

    public Builder dtype(DType value) {
      dtype = value;
      return this;
    }

    public Builder init(Initializer value) {
      init = value;
      return this;
    }

    public Conv2d build(Generator gen) {
      return new Conv2d(this, gen);
    }
  }

  public int inChannels() {
    return in;
  }

  public int outChannels() {
    return out;
  }

  public Conv2dOptions options() {
    return options;
  }

  /** [O, C/groups, KH, KW]. */
  public Parameter weight() {
    return weight;
  }

  /** [O], or null for a layer without bias. */
  public Parameter bias() {
    return bias;
  }

  @Override
  protected String settings() {
    Shape w = weight.value().shape();
    return in + ", " + out + ", kernel_size=" + Settings.pair(w.dim(2), w.dim(3))
        + ", stride=" + Settings.pair(options.strideH(), options.strideW())
        + ", padding=" + Settings.pair(options.padH(), options.padW())
        + (options.dilationH() == 1 && options.dilationW() == 1 ? ""
            : ", dilation=" + Settings.pair(options.dilationH(), options.dilationW()))
        + (options.groups() == 1 ? "" : ", groups=" + options.groups()) + (bias == null ? ", bias=false" : "");
  }

  @Override
  public Tensor forward(Tensor x) {
    return Functional.conv2d(x, weight.value(), bias == null ? null : bias.value(), options);
  }
}
