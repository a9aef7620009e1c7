package io.jgrad.nn;

import io.jgrad.Tensor;

/** y = x + block(x): a skip connection. The block must keep the shape; its parameters are named "block.…". */
public final class Residual extends Module {
  private final Module block;

  public Residual(Module block) {
    this.block = registerModule("block", block);
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.add(block.forward(x));
  }
}
