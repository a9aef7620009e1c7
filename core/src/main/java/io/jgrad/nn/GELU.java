package io.jgrad.nn;

import io.jgrad.UnaryOp;

/**
 * y = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch's GELU(approximate='tanh'). Its backward needs the input, so
 * after a Linear it runs as bias-add then GELU rather than in the fused kernel.
 */
public final class GELU extends Activation {
  public GELU() {
    super(UnaryOp.GELU, 0);
  }
}
