package io.jgrad;

import io.jgrad.spi.Conv2dGeometry;

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d), NCHW: x [B, C, H, W], weight [O, C/G, KH, KW], optional
 * bias [O] → y [B, O, OH, OW]. Saves x (for the weight's gradient) and weight (for x's), each only if the other needs
 * a gradient; the bias gradient needs only dy.
 */
final class Convolution extends Function {
  private final Conv2dGeometry geometry;
  private final boolean hasBias;
  private Tensor x;
  private Tensor weight;

  private Convolution(Conv2dGeometry geometry, boolean hasBias) {
    this.geometry = geometry;
    this.hasBias = hasBias;
  }

  /** @param bias [O], or null for none */
  static Tensor apply(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options) {
    Conv2dGeometry g = geometry(x, weight, bias, options);
    Tensor y = Tensor.empty(x.backend(), x.dtype(), Shape.of(g.batch(), g.outChannels(), g.outHeight(),
        g.outWidth()));
    x.backend().conv2d(g, x.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), y.buffer());
    if (isRecording(x, weight, bias)) {
      Convolution f = new Convolution(g, bias != null);
      f.connect(y, x, weight, bias);
      f.weight = f.needsGrad(0) ? f.save(weight) : null;
      f.x = f.needsGrad(1) ? f.save(x) : null;
    }
    return y;
  }

  @Override
  protected Tensor[] backward(Tensor dy) {
    Tensor dx = null;
    Tensor dweight = null;
    Tensor dbias = null;
    if (needsGrad(0)) {
      dx = Tensor.empty(dy.backend(), dy.dtype(), inputShape(0));
      dy.backend().conv2dBackwardInput(geometry, dy.buffer(), weight.buffer(), dx.buffer());
    }
    boolean biasGrad = hasBias && needsGrad(2);
    if (needsGrad(1)) {
      dweight = Tensor.empty(dy.backend(), dy.dtype(), inputShape(1));
      dbias = biasGrad ? Tensor.empty(dy.backend(), dy.dtype(), inputShape(2)) : null;
      dy.backend().conv2dBackwardWeight(geometry, x.buffer(), dy.buffer(), dweight.buffer(),
          dbias == null ? null : dbias.buffer());
    } else if (biasGrad) { // x was not saved: the bias gradient alone is Σ of dy over B, OH and OW
      dbias = dy.reshape(geometry.batch(), geometry.outChannels(), geometry.outHeight() * geometry.outWidth())
          .sum(2, false).sum(0, false);
    }
    return new Tensor[] {dx, dweight, dbias};
  }

  /** Checks the operands' shapes against each other; errors name conv2d and the shapes. */
  private static Conv2dGeometry geometry(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options) {
    if (x.rank() != 4 || weight.rank() != 4) {
      throw new IllegalArgumentException("conv2d: input " + x.shape() + " and weight " + weight.shape()
          + " must both be 4-D ([B, C, H, W] and [O, C/groups, KH, KW])");
    }
    if (x.dtype() != weight.dtype() || (bias != null && bias.dtype() != x.dtype())) {
      throw new IllegalArgumentException("conv2d: input " + x.dtype().label() + " and weight "
          + weight.dtype().label() + (bias == null ? "" : " and bias " + bias.dtype().label()) + " differ");
    }
    int groups = options.groups();
    if (groups < 1 || x.dim(1) != weight.dim(1) * groups || weight.dim(0) % groups != 0) {
      throw new IllegalArgumentException("conv2d: input " + x.shape() + " and weight " + weight.shape()
          + " do not match: the input has " + x.dim(1) + " channels, the weight expects " + weight.dim(1) + " x "
          + groups + " group(s)");
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
      throw new IllegalArgumentException(
          "conv2d: bias " + bias.shape() + " must be [" + weight.dim(0) + "] for weight " + weight.shape());
    }
    try {
      return new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), weight.dim(0), groups,
          options.window(weight.dim(2), weight.dim(3)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "conv2d: input " + x.shape() + " and weight " + weight.shape() + ": " + e.getMessage(), e);
    }
  }
}
